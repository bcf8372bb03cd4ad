package io.shardkit.migrate.cli;

import io.shardkit.cluster.ShardCluster;
import io.shardkit.cluster.config.ClusterConfig.DatabaseConfig;
import io.shardkit.cluster.config.ClusterConfig.PoolConfig;
import io.shardkit.cluster.config.ClusterConfig;
import io.shardkit.cluster.config.JdbcUrls;
import io.shardkit.cluster.config.ShardConfigException;
import io.shardkit.cluster.config.ShardsYaml;
import io.shardkit.migrate.FleetCommand;
import io.shardkit.migrate.FleetReport;
import io.shardkit.migrate.OnError;
import io.shardkit.migrate.ShardError;
import io.shardkit.migrate.ShardMigrator;
import io.shardkit.router.ShardException;
import io.shardkit.router.ShardId;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * {@code shard-migrate}: {@link ShardMigrator} from the command line, on the cluster a {@code shards.yml} describes.
 * The result goes to stdout (a table, or one JSON document with {@code --output json}); progress, the summary line
 * and errors go to stderr. Build it with {@link #commandLine}, which takes the environment and the stop signal, so
 * a test can drive it in-process with its own writers.
 */
@Command(name = "shard-migrate",
        mixinStandardHelpOptions = true,
        versionProvider = ShardMigrateCli.Version.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        header = "Flyway on every shard of a Shardkit cluster.",
        synopsisSubcommandLabel = "COMMAND",
        description = {
                "Reads the cluster from shards.yml ($${VAR} resolved from the environment) and runs the command on "
                        + "each logical shard: canary shards first, alone, then up to --concurrency at a time, never two "
                        + "on one database. Migrations are scanned once; placeholders $${shard_id} and $${shard_index} "
                        + "are set per shard.",
                "The result goes to stdout; progress and the summary line go to stderr. Each database gets a pool of at "
                        + "most 2 connections for the run, whatever shards.yml sizes for the service; replicas are not used."},
        subcommands = {
                ShardMigrateCli.Migrate.class, ShardMigrateCli.Info.class, ShardMigrateCli.Validate.class,
                ShardMigrateCli.Plan.class, ShardMigrateCli.Repair.class, ShardMigrateCli.Baseline.class,
                ShardMigrateCli.Clean.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {},
        footerHeading = "%nExamples:%n",
        footer = {
                "  shard-migrate --config shards.yml info",
                "  shard-migrate --config shards.yml --canary 1 --concurrency 4 migrate",
                "  shard-migrate --config shards.yml --locations filesystem:sql plan",
                "  shard-migrate --config shards.yml --output json validate"})
public final class ShardMigrateCli implements Callable<Integer> {
    /** Used when neither --locations nor {@code migrations.locations} in shards.yml names one. */
    static final String DEFAULT_LOCATION = "filesystem:db/migration";

    /** The output formats of {@code --output}. */
    enum Output { text, json }

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "The cluster's shards.yml (required).")
    Path config;

    @Option(names = "--locations", paramLabel = "LOCATION", split = ",", scope = ScopeType.INHERIT,
            description = {"Flyway locations, comma-separated (filesystem:DIR, classpath:PATH). Default: migrations.locations",
                    "in shards.yml (relative filesystem: paths read from the file's directory), else " + DEFAULT_LOCATION + "."})
    List<String> locations;

    @Option(names = "--shards", paramLabel = "ID", split = ",", scope = ScopeType.INHERIT,
            description = "Only these shards, e.g. s0,s3. $${shard_index} stays each shard's position in the cluster.")
    List<String> only;

    @Option(names = "--exclude", paramLabel = "ID", split = ",", scope = ScopeType.INHERIT,
            description = "All shards but these.")
    List<String> exclude;

    @Option(names = "--canary", paramLabel = "N", defaultValue = "0", scope = ScopeType.INHERIT,
            description = "Run changing commands on the first N shards alone first; stop if one fails. Default: ${DEFAULT-VALUE}.")
    int canary;

    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "1", scope = ScopeType.INHERIT,
            description = "Shards at a time after the canaries. Default: ${DEFAULT-VALUE}.")
    int concurrency;

    @Option(names = "--on-error", paramLabel = "fail|continue", defaultValue = "fail", scope = ScopeType.INHERIT,
            converter = OnErrorConverter.class,
            description = "After a shard fails: fail (start no new shard) or continue. Default: ${DEFAULT-VALUE}.")
    OnError onError;

    @Option(names = "--target", paramLabel = "VERSION", scope = ScopeType.INHERIT,
            description = "Migrate up to this version (7, 1.2, latest, current) instead of the latest.")
    String target;

    @Option(names = "--baseline-version", paramLabel = "VERSION", defaultValue = "1", scope = ScopeType.INHERIT,
            description = "The version baseline records. Default: ${DEFAULT-VALUE}.")
    String baselineVersion;

    @Option(names = "--output", paramLabel = "text|json", defaultValue = "text", scope = ScopeType.INHERIT,
            description = "stdout format: text (a table) or json (one document). Default: ${DEFAULT-VALUE}.")
    Output output;

    @Option(names = "--allow-clean", scope = ScopeType.INHERIT,
            description = "Let clean run; shards.yml must also say migrations: { allowClean: true }.")
    boolean allowClean;

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "Stack traces on errors, and Flyway's own log on stderr.")
    boolean verbose;

    @Spec
    CommandSpec spec;

    private final Function<String, String> env;
    private final BooleanSupplier stopRequested;

    private ShardMigrateCli(Function<String, String> env, BooleanSupplier stopRequested) {
        this.env = env;
        this.stopRequested = stopRequested;
    }

    /**
     * The command line, ready to {@code execute(args)}: {@code env} resolves {@code ${VAR}} in shards.yml, and once
     * {@code stopRequested} is true no new shard starts (Ctrl-C). Set its writers with {@code setOut}/{@code setErr}.
     */
    public static CommandLine commandLine(Function<String, String> env, BooleanSupplier stopRequested) {
        Objects.requireNonNull(env, "env");
        Objects.requireNonNull(stopRequested, "stopRequested");
        CommandLine cl = new CommandLine(new ShardMigrateCli(env, stopRequested));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.getCommandSpec().usageMessage().exitCodeList(exitCodes());
        for (CommandLine sub : cl.getSubcommands().values()) {
            sub.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(exitCodes());
        }
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            // Anything the commands did not turn into a report or a message: a bug or an environment problem.
            ShardMigrateCli root = commandLine.getCommandSpec().root().commandLine().getCommand();
            PrintWriter err = commandLine.getErr();
            err.println("shard-migrate: unexpected error: " + e + (root.verbose ? "" : " — run with --verbose for the stack trace"));
            if (root.verbose) e.printStackTrace(err);
            err.flush();
            return ExitCodes.ERROR;
        });
        return cl;
    }

    private static Map<String, String> exitCodes() {
        Map<String, String> codes = new LinkedHashMap<>();
        for (String line : ExitCodes.HELP) {
            int colon = line.indexOf(':');
            codes.put(String.format("%3s", line.substring(0, colon)), line.substring(colon + 1));
        }
        return codes;
    }

    /** Without a command: the usage, and a usage error. */
    @Override
    public Integer call() {
        spec.commandLine().getErr().println("shard-migrate: missing a command — one of "
                + String.join(", ", spec.subcommands().keySet()));
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }

    int run(FleetCommand command, CommandSpec sub) {
        PrintWriter out = sub.commandLine().getOut();
        PrintWriter err = sub.commandLine().getErr();
        try {
            if (config == null) {
                throw new CommandLine.ParameterException(sub.commandLine(), "Missing required option: '--config=FILE'");
            }
            ClusterConfig clusterConfig = ShardsYaml.load(config, env);
            clusterConfig.validate();  // the file as the service reads it: every problem, before any change
            List<String> chosenLocations = locations(clusterConfig);
            boolean cleanAllowed = command != FleetCommand.CLEAN || allowClean(clusterConfig);
            try (ShardCluster cluster = ShardCluster.create(forMigration(clusterConfig))) {
                ShardMigrator.Builder builder = ShardMigrator.configure()
                        .cluster(cluster)
                        .only(ids(only))
                        .exclude(ids(exclude))
                        .locations(chosenLocations.toArray(String[]::new))
                        .canary(canary)
                        .concurrency(concurrency)
                        .onError(onError)
                        .baselineVersion(baselineVersion)
                        .allowClean(cleanAllowed)
                        .listener(new Progress(err))
                        .stopWhen(stopRequested);
                if (target != null) builder.target(target);
                ShardMigrator migrator = builder.load();
                FleetReport report = migrator.run(command);
                Map<String, String> urls = new LinkedHashMap<>();
                clusterConfig.databases().forEach((name, db) -> urls.put(name, JdbcUrls.redact(db.url())));
                out.print(output == Output.json ? Json.render(report, urls) + "\n" : Text.render(report));
                out.flush();
                if (verbose) {
                    report.shards().forEach(o -> o.error().flatMap(ShardError::cause).ifPresent(cause -> {
                        err.println("[shard " + o.shard() + "] " + o.state() + ":");
                        cause.printStackTrace(err);
                    }));
                }
                err.println(report.summaryLine());
                err.flush();
                return ExitCodes.of(report);
            }
        } catch (ShardConfigException e) {
            return fail(command, ExitCodes.USAGE, e.getMessage(), e, out, err);
        } catch (ShardException e) {
            return fail(command, e.code() == ShardException.Code.CONFIG ? ExitCodes.USAGE : ExitCodes.ERROR,
                    e.getMessage(), e, out, err);
        }
    }

    private int fail(FleetCommand command, int exitCode, String message, Exception e, PrintWriter out, PrintWriter err) {
        err.println("shard-migrate: " + message);
        if (verbose) e.printStackTrace(err);
        err.flush();
        if (output == Output.json) {
            out.println(Json.error(command.cliName(), exitCode, message));
            out.flush();
        }
        return exitCode;
    }

    /**
     * The cluster with pools for a migration run rather than for the service's traffic: at most 2 connections per
     * database (one shard per database runs at a time, and Flyway holds 2 on PostgreSQL), none kept idle, and no
     * replica pools (migrations write to primaries only). A fleet of 64 databases with pools of 20 would otherwise
     * open up to 1,280 connections to run a command.
     */
    static ClusterConfig forMigration(ClusterConfig c) {
        Map<String, DatabaseConfig> databases = new LinkedHashMap<>();
        c.databases().forEach((name, db) -> databases.put(name, new DatabaseConfig(db.url(), db.username(), db.password(),
                db.dialect(), new PoolConfig(2, 0, db.pool() == null ? null : db.pool().connectionTimeoutMs(), null, null),
                List.of())));
        return new ClusterConfig(databases, c.shards(), c.strategy(), c.keyType(), c.pins(), c.reads(), c.migrations(),
                c.topology());
    }

    /** --locations, else the file's migrations.locations (relative filesystem paths from the file's folder), else the default. */
    private List<String> locations(ClusterConfig clusterConfig) {
        if (locations != null && !locations.isEmpty()) return locations;
        ClusterConfig.MigrationsConfig m = clusterConfig.migrations();
        if (m == null || m.locations().isEmpty()) return List.of(DEFAULT_LOCATION);
        Path base = config.toAbsolutePath().getParent();
        List<String> out = new ArrayList<>();
        for (String l : m.locations()) {
            String prefix = "filesystem:";
            if (l.startsWith(prefix) && !Path.of(l.substring(prefix.length())).isAbsolute()) {
                out.add(prefix + base.resolve(l.substring(prefix.length())).normalize());
            } else {
                out.add(l);
            }
        }
        return out;
    }

    /** clean needs both keys turned: the file's migrations.allowClean and the --allow-clean flag. */
    private boolean allowClean(ClusterConfig clusterConfig) {
        boolean inConfig = clusterConfig.migrations() != null && Boolean.TRUE.equals(clusterConfig.migrations().allowClean());
        if (inConfig && allowClean) return true;
        String missing = !inConfig && !allowClean ? "neither is set"
                : !inConfig ? "migrations.allowClean is not true in " + config : "--allow-clean was not given";
        throw new ShardException(ShardException.Code.CONFIG, "clean refused: it drops every object in the schema of every"
                + " shard, so it needs migrations: { allowClean: true } in shards.yml and --allow-clean on the command line ("
                + missing + ")");
    }

    private static List<ShardId> ids(List<String> values) {
        return values == null ? List.of() : values.stream().map(String::strip).map(ShardId::of).toList();
    }

    /** Shared by the commands: each is the same run with another {@link FleetCommand}. */
    abstract static class Sub implements Callable<Integer> {
        @ParentCommand
        ShardMigrateCli parent;

        @Spec
        CommandSpec spec;

        private final FleetCommand command;

        Sub(FleetCommand command) {
            this.command = command;
        }

        @Override
        public Integer call() {
            return parent.run(command, spec);
        }
    }

    @Command(name = "migrate", mixinStandardHelpOptions = true, description = "Apply pending migrations to every shard (up to --target).")
    static final class Migrate extends Sub {
        Migrate() {
            super(FleetCommand.MIGRATE);
        }
    }

    @Command(name = "info", mixinStandardHelpOptions = true, aliases = "status",
            description = "Each shard's version and pending migrations, and the fleet grouped by version.")
    static final class Info extends Sub {
        Info() {
            super(FleetCommand.INFO);
        }
    }

    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = "Check histories against the migrations (checksums, names, failed rows) and against each other (drift).")
    static final class Validate extends Sub {
        Validate() {
            super(FleetCommand.VALIDATE);
        }
    }

    @Command(name = "plan", mixinStandardHelpOptions = true, description = "What migrate would apply to each shard, and which shards it would refuse; changes nothing.")
    static final class Plan extends Sub {
        Plan() {
            super(FleetCommand.PLAN);
        }
    }

    @Command(name = "repair", mixinStandardHelpOptions = true, description = "Remove failed rows from each history and realign checksums with the migrations.")
    static final class Repair extends Sub {
        Repair() {
            super(FleetCommand.REPAIR);
        }
    }

    @Command(name = "baseline", mixinStandardHelpOptions = true, description = "Record --baseline-version on shards whose schema predates Flyway.")
    static final class Baseline extends Sub {
        Baseline() {
            super(FleetCommand.BASELINE);
        }
    }

    @Command(name = "clean", mixinStandardHelpOptions = true,
            description = "Drop every object in every shard's schema. Needs migrations: { allowClean: true } in shards.yml and --allow-clean.")
    static final class Clean extends Sub {
        Clean() {
            super(FleetCommand.CLEAN);
        }
    }

    /** {@code fail} or {@code continue}, in any case. */
    static final class OnErrorConverter implements CommandLine.ITypeConverter<OnError> {
        @Override
        public OnError convert(String value) {
            for (OnError e : OnError.values()) {
                if (e.name().equalsIgnoreCase(value.strip())) return e;
            }
            throw new CommandLine.TypeConversionException("'" + value + "' is not fail or continue");
        }
    }

    /** The version Maven wrote into {@code shard-migrate.properties}. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = ShardMigrateCli.class.getResourceAsStream("/shard-migrate.properties")) {
                if (in != null) p.load(in);
            }
            return new String[] {"shard-migrate " + p.getProperty("version", "(development build)")
                    + " (Flyway " + p.getProperty("flyway", "?") + ")"};
        }
    }

}
