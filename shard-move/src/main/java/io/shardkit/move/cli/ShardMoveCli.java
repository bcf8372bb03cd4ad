package io.shardkit.move.cli;

import io.shardkit.cluster.config.ClusterConfig;
import io.shardkit.cluster.config.JdbcUrls;
import io.shardkit.cluster.config.ShardConfigException;
import io.shardkit.cluster.config.ShardsYaml;
import io.shardkit.move.ShardMover;
import io.shardkit.router.ShardException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code shard-move}: {@link ShardMover} from the command line, on the cluster a {@code shards.yml} describes. The
 * result goes to stdout (text, or one JSON document with {@code --output json}); progress and errors go to stderr.
 * Build it with {@link #commandLine}, which takes the environment, so a test can drive it in-process with its own
 * writers.
 */
@Command(name = "shard-move",
        mixinStandardHelpOptions = true,
        versionProvider = ShardMoveCli.Version.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        header = "Moves logical shards of a Shardkit cluster between databases, behind a write fence.",
        synopsisSubcommandLabel = "COMMAND",
        description = {
                "Reads the cluster from shards.yml ($${VAR} resolved from the environment); its topology: { store: ... }"
                        + " section names the control database that keeps the shared shard map and the move jobs.",
                "The result goes to stdout; progress (each step a job reaches) and errors go to stderr. The mover opens"
                        + " pools of its own, at most 4 connections per database it touches."},
        subcommands = {
                Commands.Plan.class, Commands.Move.class, Commands.Start.class, Commands.Cutover.class,
                Commands.Verify.class, Commands.Resume.class, Commands.Cancel.class, Commands.Finish.class,
                Commands.Status.class, Commands.Topology.class, ImportCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {},
        footerHeading = "%nExamples:%n",
        footer = {
                "  shard-move --config shards.yml plan --shard s3 --to db4",
                "  shard-move --config shards.yml move --shard s3 --to db4",
                "  shard-move --config shards.yml start --tenant 42 --key-column customer_id --to s9",
                "  shard-move --config shards.yml cutover --job 8",
                "  shard-move --config shards.yml status",
                "  shard-move --config shards.yml finish --job 7",
                "  shard-move --config shards.yml import --from legacy --key-column customer_id",
                "  shard-move --config shards.yml --output json topology show"})
public final class ShardMoveCli implements Callable<Integer> {
    /** The output formats of {@code --output}. */
    enum Output { text, json }

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "The cluster's shards.yml, with a topology: section (required).")
    Path config;

    @Option(names = "--output", paramLabel = "text|json", defaultValue = "text", scope = ScopeType.INHERIT,
            description = "stdout format: text or json (one document). Default: ${DEFAULT-VALUE}.")
    Output output;

    @Option(names = "--owner", paramLabel = "NAME", scope = ScopeType.INHERIT,
            description = "This mover's name in the jobs' leases. Default: pid and a random suffix.")
    String owner;

    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Stack traces on errors.")
    boolean verbose;

    @Spec
    CommandSpec spec;

    private final Function<String, String> env;

    private ShardMoveCli(Function<String, String> env) {
        this.env = env;
    }

    /**
     * The command line, ready to {@code execute(args)}: {@code env} resolves {@code ${VAR}} in shards.yml. Set its
     * writers with {@code setOut}/{@code setErr}.
     */
    public static CommandLine commandLine(Function<String, String> env) {
        Objects.requireNonNull(env, "env");
        CommandLine cl = new CommandLine(new ShardMoveCli(env));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        exitCodes(cl);
        cl.setParameterExceptionHandler((e, args) -> {
            // The message, then always the usage of the command that was wrong: exit 2.
            CommandLine wrong = e.getCommandLine();
            PrintWriter err = wrong.getErr();
            err.println(e.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
            wrong.usage(err);
            err.flush();
            return ExitCodes.USAGE;
        });
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            // Anything the commands did not turn into a message: a bug or an environment problem.
            ShardMoveCli root = commandLine.getCommandSpec().root().commandLine().getCommand();
            PrintWriter err = commandLine.getErr();
            err.println("shard-move: unexpected error: " + e + (root.verbose ? "" : " — run with --verbose for the stack trace"));
            if (root.verbose) e.printStackTrace(err);
            err.flush();
            return ExitCodes.ERROR;
        });
        return cl;
    }

    private static void exitCodes(CommandLine cl) {
        Map<String, String> codes = new LinkedHashMap<>();
        for (String line : ExitCodes.HELP) {
            int colon = line.indexOf(':');
            codes.put(String.format("%3s", line.substring(0, colon)), line.substring(colon + 1));
        }
        cl.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(codes);
        cl.getSubcommands().values().forEach(sub -> exitCodes(sub));
    }

    /** Without a command: the usage, and a usage error. */
    @Override
    public Integer call() {
        return missingCommand(spec);
    }

    static int missingCommand(CommandSpec spec) {
        PrintWriter err = spec.commandLine().getErr();
        err.println(spec.qualifiedName() + ": missing a command — one of " + String.join(", ", spec.subcommands().keySet()));
        spec.commandLine().usage(err);
        err.flush();
        return ExitCodes.USAGE;
    }

    /** What a command does with the mover; returns the exit code. */
    interface Action {
        int run(ShardMover mover, PrintWriter out, PrintWriter err);
    }

    /**
     * Loads shards.yml, opens a mover on it (progress on stderr, {@code batchSize} rows per batch when not null),
     * runs {@code action}, and turns a configuration error into exit 2 and a refusal or failure into exit 1, with the
     * message on stderr (and a JSON error document on stdout with {@code --output json}).
     */
    int run(String command, CommandSpec sub, Integer batchSize, Action action) {
        PrintWriter out = sub.commandLine().getOut();
        PrintWriter err = sub.commandLine().getErr();
        if (config == null) {
            throw new CommandLine.ParameterException(sub.commandLine(), "Missing required option: '--config=FILE'");
        }
        ClusterConfig clusterConfig = null;
        try {
            clusterConfig = ShardsYaml.load(config, env);
            ShardMover.Settings settings = ShardMover.configure(clusterConfig).onState(new Progress(err));
            if (batchSize != null) settings.batchSize(batchSize);
            if (owner != null) settings.owner(owner);
            try (ShardMover mover = settings.load()) {
                int code = action.run(mover, out, err);
                out.flush();
                err.flush();
                return code;
            }
        } catch (ShardConfigException e) {
            return fail(command, ExitCodes.USAGE, e, clusterConfig, out, err);
        } catch (ShardException e) {
            return fail(command, ExitCodes.ERROR, e, clusterConfig, out, err);
        }
    }

    private int fail(String command, int exitCode, Exception e, ClusterConfig c, PrintWriter out, PrintWriter err) {
        String message = scrub(e.getMessage(), c);
        err.println("shard-move: " + message);
        if (verbose) e.printStackTrace(err);
        err.flush();
        if (output == Output.json) {
            out.println(Json.error(command, exitCode, message));
            out.flush();
        }
        return exitCode;
    }

    /** A message with every configured URL redacted and every password masked, should a driver have quoted one. */
    static String scrub(String message, ClusterConfig c) {
        String s = String.valueOf(message);
        if (c == null) return s;
        for (ClusterConfig.DatabaseConfig db : c.databases().values()) {
            if (db.url() != null) s = s.replace(db.url(), JdbcUrls.redact(db.url()));
            if (db.password() != null && !db.password().isEmpty()) s = s.replace(db.password(), "*****");
        }
        return s;
    }

    boolean json() {
        return output == Output.json;
    }

    /** The version Maven wrote into the jar ({@code pom.properties}). */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = ShardMoveCli.class.getResourceAsStream("/META-INF/maven/io.shardkit/shard-move/pom.properties")) {
                if (in != null) p.load(in);
            }
            return new String[] {"shard-move " + p.getProperty("version", "(development build)")};
        }
    }
}
