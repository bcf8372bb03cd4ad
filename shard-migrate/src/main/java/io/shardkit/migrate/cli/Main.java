package io.shardkit.migrate.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;

/**
 * The {@code shard-migrate} process: logging set up before anything logs, Ctrl-C turned into a stop request, then
 * {@link ShardMigrateCli} on the real stdout, stderr and environment.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        boolean verbose = Arrays.asList(args).contains("--verbose");
        // slf4j-simple reads these once, at the first logger: Flyway's own log only with --verbose (the report and
        // the progress lines say what happened), never the jOOQ banner.
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "info" : "warn");
        System.setProperty("org.slf4j.simpleLogger.log.org.flywaydb", verbose ? "info" : "off");
        System.setProperty("org.jooq.no-logo", "true");
        System.setProperty("org.jooq.no-tips", "true");

        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        AtomicBoolean stop = new AtomicBoolean();
        onInterrupt(stop, err);
        CommandLine cli = ShardMigrateCli.commandLine(System::getenv, stop::get);
        cli.setOut(out);
        cli.setErr(err);
        int code = cli.execute(args);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /**
     * The first Ctrl-C asks the run to start no new shard and lets the running ones finish, so the report is still
     * printed (exit code 130); a second one ends the process at once. Handled as a signal rather than a shutdown
     * hook, because a JVM that has begun shutting down cannot wait for the shards to finish and then exit normally.
     */
    @SuppressWarnings("restriction")
    private static void onInterrupt(AtomicBoolean stop, PrintWriter err) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("INT"), signal -> {
                if (stop.getAndSet(true)) {
                    err.println("shard-migrate: interrupted again — stopping now; shards that were running may need"
                            + " repair (PostgreSQL rolls them back)");
                    err.flush();
                    Runtime.getRuntime().halt(ExitCodes.INTERRUPTED);
                }
                err.println("shard-migrate: interrupted — no new shard will start; waiting for the running ones"
                        + " (Ctrl-C again to stop at once)");
                err.flush();
            });
        } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
            // The JVM reserves SIGINT (-Xrs) or has no such API: Ctrl-C then ends the process as usual.
        }
    }
}
