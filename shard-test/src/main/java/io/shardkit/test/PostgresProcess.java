package io.shardkit.test;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.util.LinuxUtils;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starting and stopping the servers of {@link ReplicatedPostgres}, and connecting to them. */
final class PostgresProcess {

    private static final Logger log = LoggerFactory.getLogger(PostgresProcess.class);

    static final String USER = "postgres";
    static final String ADMIN_DATABASE = "postgres";
    // Zonky waits this long also for a server that has already failed: it polls the port.
    private static final Duration SERVER_START_WAIT = Duration.ofSeconds(30);
    // Bounds every read on an admin connection, so a frozen server (SIGSTOP) fails a call instead of hanging it.
    private static final int ADMIN_SOCKET_TIMEOUT_SECONDS = 30;

    private PostgresProcess() {
    }

    /**
     * Starts zonky's PostgreSQL on the directory; initdb runs only if it holds no cluster yet.
     *
     * @param port        0 for a free one
     * @param role        "primary", "replica 1", ...: for messages
     * @param afterInitdb called with the directory between initdb and the server's start; may be null
     */
    static EmbeddedPostgres start(Path directory, int port, String role, Consumer<File> afterInitdb) {
        Path serverLog = DataDirectories.serverLog(directory);
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                // close() and ReplicatedPostgres's own hook stop the servers, replicas before the primary.
                .setRegisterShutdownHook(false)
                .setDataDirectory(directory)
                // false: zonky then runs initdb only without a postgresql.conf, so a copied cluster is used
                // as it is, and keeps the directory when the server stops, so a replica can start again.
                // close() deletes the directories.
                .setCleanDataDirectory(false)
                .setPort(port)
                .setPGStartupWait(SERVER_START_WAIT)
                // The server's own log, so a failed start can say why; zonky would pass it to a logger
                // that tests set to WARN.
                .setOutputRedirector(ProcessBuilder.Redirect.appendTo(serverLog.toFile()))
                .setErrorRedirector(ProcessBuilder.Redirect.appendTo(serverLog.toFile()));
        ReplicationSettings.SERVER_CONFIG.forEach(builder::setServerConfig);
        if (afterInitdb != null) {
            builder.setDataDirectoryCustomizer(afterInitdb);
        }
        try {
            return builder.start();
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("[" + role + "] embedded PostgreSQL failed to start in "
                    + directory + ": " + e.getMessage() + "; the server log ends with:\n" + tail(serverLog)
                    + "\n— if the log is empty, check that java.io.tmpdir (" + System.getProperty("java.io.tmpdir")
                    + ") is writable, not noexec, and has free space", e);
        }
    }

    /**
     * Starts the server on {@code directory} again after it was killed, as zonky had started it: with the postmaster's
     * own command line, which it keeps in {@code postmaster.opts} (what {@code pg_ctl restart} reads too). Crash
     * recovery runs before {@code pg_ctl -w} returns.
     *
     * <p>Not through zonky: a new zonky object would have to lock the directory's lock file, which the old one holds
     * until its close(), and that close() runs {@code pg_ctl stop}, which fails on a dead server and is logged by zonky
     * as an error with a stack trace. So the old object stays, holding the lock, and its close() stops this server later
     * ({@code pg_ctl stop} needs only the directory).
     */
    static void restartAfterKill(Path directory, String role) {
        Path optionsFile = directory.resolve("postmaster.opts");
        String commandLine;
        try {
            commandLine = Files.readString(optionsFile, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new IllegalStateException("[" + role + "] cannot restart: could not read " + optionsFile + ": " + e
                    + " — the postmaster writes it at each start; was the directory changed?", e);
        }
        // /path/bin/postgres "-D" "/data" "-p" "5432" ...: the program, then each argument in double quotes.
        int firstArgument = commandLine.indexOf(" \"");
        if (firstArgument < 0) {
            throw new IllegalStateException("[" + role + "] cannot restart: " + optionsFile + " holds no arguments: " + commandLine);
        }
        Path postgres = Path.of(commandLine.substring(0, firstArgument));
        List<String> command = new ArrayList<>();
        if (LinuxUtils.isUnshareAvailable()) {
            // As zonky does under root, which PostgreSQL refuses to run as.
            command.addAll(List.of("unshare", "-U"));
        }
        command.addAll(List.of(postgres.resolveSibling("pg_ctl").toString(), "-D", directory.toString(),
                "-o", commandLine.substring(firstArgument + 1), "-w", "-t", Long.toString(SERVER_START_WAIT.toSeconds()), "start"));
        Path serverLog = DataDirectories.serverLog(directory);
        try {
            Process pgCtl = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(serverLog.toFile())).start();
            pgCtl.getOutputStream().close();
            if (!pgCtl.waitFor(SERVER_START_WAIT.toSeconds() + 10, TimeUnit.SECONDS)) {
                pgCtl.destroyForcibly();
                throw new IllegalStateException("[" + role + "] pg_ctl start did not return within " + (SERVER_START_WAIT.toSeconds() + 10)
                        + " s; the server log ends with:\n" + tail(serverLog));
            }
            if (pgCtl.exitValue() != 0) {
                throw new IllegalStateException("[" + role + "] could not restart PostgreSQL in " + directory + " (pg_ctl start exited with "
                        + pgCtl.exitValue() + "); the server log ends with:\n" + tail(serverLog)
                        + "\n— if it says the port is in use, another process took it while the server was down");
            }
        } catch (IOException e) {
            throw new IllegalStateException("[" + role + "] could not run " + command + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("[" + role + "] interrupted while restarting", e);
        }
    }

    /** Stops the server, best effort: logs what went wrong, never throws. */
    static void stopQuietly(EmbeddedPostgres server, String role) {
        try {
            server.close();
        } catch (IOException | RuntimeException e) {
            log.warn("[{}] could not stop PostgreSQL on localhost:{}: {}", role, server.getPort(), e.toString());
        }
    }

    /** The last lines of a server log, for an exception message. */
    static String tail(Path serverLog) {
        try {
            List<String> lines = Files.readAllLines(serverLog, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 12), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no server log: " + e + ")";
        }
    }

    static TestDatabase database(String name, int port) {
        // zonky's cluster trusts local connections, so the password is not checked.
        return new TestDatabase(name, "jdbc:postgresql://localhost:" + port + "/" + name, USER, "", Engine.POSTGRES);
    }

    static Connection connect(int port) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", USER);
        properties.setProperty("password", "");
        properties.setProperty("socketTimeout", Integer.toString(ADMIN_SOCKET_TIMEOUT_SECONDS));
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/" + ADMIN_DATABASE, properties);
    }

    static IllegalStateException failure(String server, String what, SQLException e) {
        return new IllegalStateException("[" + server + "] " + what
                + " (SQLState " + e.getSQLState() + "): " + e.getMessage(), e);
    }
}
