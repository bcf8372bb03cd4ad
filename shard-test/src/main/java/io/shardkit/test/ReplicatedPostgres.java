package io.shardkit.test;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL primary with hot-standby replicas streaming from it, for read-replica and
 * read-your-writes tests.
 *
 * <p>Unlike {@link EmbeddedShards} this runs its own servers, never the JVM's shared one: replication
 * needs server settings ({@code wal_level=replica}, WAL senders, replication slots) that the shared
 * server does not have. The databases are created on the primary before the replicas are cloned from
 * it, so {@link #replicas()} names the same databases as {@link #primaries()}, on another port.
 *
 * <p>Replication is asynchronous: a row committed on the primary shows on a replica once the replica
 * has replayed it. {@link #awaitReplayCaughtUp(Duration)} waits for that; {@link #pauseReplay()} makes
 * the replicas deterministically stale until {@link #resumeReplay()}.
 *
 * <pre>{@code
 * try (ReplicatedPostgres pg = ReplicatedPostgres.start(2)) {
 *     try (Connection c = pg.primaries().get(0).open()) { ... write ... }
 *     pg.awaitReplayCaughtUp(Duration.ofSeconds(10));
 *     try (Connection c = pg.replicas().get(0).open()) { ... read ... }
 * }
 * }</pre>
 *
 * <p>{@link #close()} stops every server and deletes their directories; a shutdown hook does the same
 * if a test forgets. The directories sit in zonky's working directory, where zonky's own start-up
 * stops and deletes ones left by a killed JVM (after ten minutes).
 *
 * <p>Start-up is mostly file copying (a cluster is about 40 MB in a thousand files): initdb for the
 * JVM's first primary, then one copy per replica. Where the disk is slow, zonky's
 * {@code -Dot.epg.working-dir=/dev/shm/embedded-pg} moves it all to memory.
 */
public final class ReplicatedPostgres implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ReplicatedPostgres.class);

    /** Each replica holds a WAL sender and a slot on the primary; the settings below leave room for this many. */
    public static final int MAX_REPLICAS = 8;

    private static final String USER = "postgres";
    private static final String ADMIN_DATABASE = "postgres";
    // Zonky waits this long also for a server that has already failed: it polls the port.
    private static final Duration SERVER_START_WAIT = Duration.ofSeconds(30);
    private static final Duration READY_WAIT = Duration.ofSeconds(60);
    private static final long POLL_MILLIS = 5;

    /**
     * One configuration for the primary and every replica: a hot standby refuses to start with a
     * smaller max_connections, max_wal_senders, ... than its primary.
     */
    private static final Map<String, String> SERVER_CONFIG = serverConfig();

    // Left out of a base backup, as pg_basebackup does: the contents of these directories...
    private static final Set<String> EMPTY_IN_COPY = Set.of("pg_wal", "pg_replslot", "pg_dynshmem", "pg_notify",
            "pg_serial", "pg_snapshots", "pg_stat_tmp", "pg_subtrans");
    // ...these files...
    private static final Set<String> NOT_COPIED = Set.of("postmaster.pid", "postmaster.opts", "pg_internal.init",
            "backup_label", "tablespace_map", "standby.signal", "recovery.signal", "current_logfiles");
    // ...and temporary files, whose names start with this.
    private static final String TEMP_PREFIX = "pgsql_tmp";
    /**
     * Zonky's lock file in a data directory. Never copied: zonky's start-up deletes a directory of its
     * working directory whose lock file is older than ten minutes and not locked, and a copy would
     * carry the old time without the lock.
     */
    private static final String ZONKY_LOCK = "epg-lock";

    private final String id;
    private final Path primaryDirectory;
    private final Thread shutdownHook;
    // Written while starting, under this object's lock; volatile so other threads read them without it.
    private volatile EmbeddedPostgres primary;
    private volatile int primaryPort;
    private volatile List<TestDatabase> primaries = List.of();
    private volatile List<Replica> replicas = List.of();
    private boolean closed;

    private ReplicatedPostgres(String id, Path primaryDirectory) {
        this.id = id;
        this.primaryDirectory = primaryDirectory;
        this.shutdownHook = new Thread(this::close, "shardkit-replicated-postgres-" + id + "-shutdown");
    }

    /** A primary with {@code databases} empty databases and one streaming replica of them. */
    public static ReplicatedPostgres start(int databases) {
        return start(databases, 1);
    }

    /**
     * Starts a primary, creates {@code databases} empty databases on it ({@code shard_0}, {@code shard_1}, ...),
     * clones {@code replicas} hot standbys from it and returns once every replica streams and has
     * replayed everything the primary had written.
     *
     * @throws IllegalArgumentException if {@code databases} is below 1 or {@code replicas} is outside 1..{@value #MAX_REPLICAS}
     * @throws IllegalStateException if a server fails to start or a replica does not catch up; nothing is left running
     */
    public static ReplicatedPostgres start(int databases, int replicas) {
        if (databases < 1) {
            throw new IllegalArgumentException("databases must be at least 1: " + databases);
        }
        if (replicas < 1 || replicas > MAX_REPLICAS) {
            throw new IllegalArgumentException("replicas must be between 1 and " + MAX_REPLICAS + ": " + replicas);
        }
        String id = UUID.randomUUID().toString().substring(0, 8);
        ReplicatedPostgres cluster = new ReplicatedPostgres(id, workingDirectory().resolve("shardkit-" + id + "-primary"));
        Runtime.getRuntime().addShutdownHook(cluster.shutdownHook);
        try {
            cluster.boot(databases, replicas);
            return cluster;
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    /** The databases on the primary, in order; an immutable list. */
    public List<TestDatabase> primaries() {
        return primaries;
    }

    /** The same databases on the first replica (read-only), in the same order; an immutable list. */
    public List<TestDatabase> replicas() {
        return replica(0).databases();
    }

    /** Replica {@code index}, counting from 0. */
    public Replica replica(int index) {
        if (index < 0 || index >= replicas.size()) {
            throw new IndexOutOfBoundsException("replica index " + index + " out of range: " + replicas.size()
                    + " replicas (0.." + (replicas.size() - 1) + ")");
        }
        return replicas.get(index);
    }

    public int replicaCount() {
        return replicas.size();
    }

    /** Pauses WAL replay on every running replica; see {@link Replica#pauseReplay()}. */
    public void pauseReplay() {
        for (Replica replica : replicas) {
            if (replica.running()) {
                replica.pauseReplay();
            }
        }
    }

    /** Resumes WAL replay on every running replica. */
    public void resumeReplay() {
        for (Replica replica : replicas) {
            if (replica.running()) {
                replica.resumeReplay();
            }
        }
    }

    /**
     * Waits until every running replica has replayed the primary's WAL up to the position it has
     * written when this method is called, so every commit that returned before the call is visible
     * on every running replica. Stopped replicas are skipped.
     *
     * @throws IllegalStateException if a replica is still behind when {@code timeout} has passed
     */
    public void awaitReplayCaughtUp(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        long deadline = System.nanoTime() + timeout.toNanos();
        String target = primaryWalPosition();
        for (Replica replica : replicas) {
            if (replica.running()) {
                replica.awaitReplayed(target, deadline, timeout);
            }
        }
    }

    /** Stops the first replica; see {@link Replica#stop()}. */
    public void stopReplica() {
        replica(0).stop();
    }

    /** Starts the first replica again; see {@link Replica#start()}. */
    public void startReplica() {
        replica(0).start();
    }

    /**
     * Stops the replicas, then the primary, and deletes their directories. Best effort: never throws,
     * logs what it could not do, and does nothing the second time.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long started = System.nanoTime();
        if (Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running or about to; close() is idempotent.
            }
        }
        // Replicas first: a primary stopping with WAL senders attached waits for them.
        for (Replica replica : replicas) {
            replica.stopQuietly();
            closeQuietly(replica.lockWhileStopped);
            deleteQuietly(replica.directory);
            deleteQuietly(serverLog(replica.directory));
        }
        if (primary != null) {
            closeQuietly(primary, "primary");
        }
        deleteQuietly(primaryDirectory);
        deleteQuietly(serverLog(primaryDirectory));
        log.info("[replicated-postgres {}] stopped and deleted in {} ms", id, millis(System.nanoTime() - started));
    }

    @Override
    public String toString() {
        return "ReplicatedPostgres[id=" + id + ", databases=" + primaries.stream().map(TestDatabase::name).toList()
                + ", primary=" + (primary == null ? "none" : "localhost:" + primary.getPort())
                + ", replicas=" + replicas.stream().map(Replica::toString).toList() + (closed ? ", closed" : "") + "]";
    }

    /** The directories of the primary and the replicas; for tests that check {@link #close()} deletes them. */
    List<Path> directories() {
        List<Path> all = new ArrayList<>();
        all.add(primaryDirectory);
        replicas.forEach(r -> all.add(r.directory));
        return all;
    }

    /** The ports of the primary and the replicas, in the order of {@link #directories()}. */
    List<Integer> ports() {
        List<Integer> all = new ArrayList<>();
        all.add(primaryPort);
        replicas.forEach(r -> all.add(r.port));
        return all;
    }

    private synchronized void boot(int databaseCount, int replicaCount) {
        long t0 = System.nanoTime();
        primary = startPrimary();
        primaryPort = primary.getPort();
        long t1 = System.nanoTime();

        List<String> names = new ArrayList<>(databaseCount);
        List<TestDatabase> dbs = new ArrayList<>(databaseCount);
        try (Connection c = connect(primaryPort, ADMIN_DATABASE); Statement s = c.createStatement()) {
            for (int i = 0; i < databaseCount; i++) {
                String name = Names.checked("shard_" + i);
                s.execute("CREATE DATABASE " + name);
                names.add(name);
                dbs.add(database(name, primaryPort));
            }
        } catch (SQLException e) {
            throw failure("primary", "could not create databases on localhost:" + primaryPort
                    + " (" + dbs.size() + " of " + databaseCount + " created)", e);
        }
        primaries = List.copyOf(dbs);
        long t2 = System.nanoTime();

        // Known before anything is copied, so close() deletes half-made copies too.
        List<Replica> made = new ArrayList<>(replicaCount);
        for (int n = 1; n <= replicaCount; n++) {
            made.add(new Replica(n, workingDirectory().resolve("shardkit-" + id + "-replica-" + n), List.copyOf(names)));
        }
        replicas = List.copyOf(made);
        baseBackup();
        long t3 = System.nanoTime();

        for (Replica replica : replicas) {
            replica.start();
        }
        awaitReplayCaughtUp(READY_WAIT);
        for (Replica replica : replicas) {
            replica.checkInRecovery();
        }
        long t4 = System.nanoTime();
        log.info("[replicated-postgres {}] primary localhost:{} with {} databases and {} replica(s) on {} ready in {} ms "
                        + "(primary {} ms, databases {} ms, base backup {} ms, replicas {} ms)",
                id, primaryPort, databaseCount, replicaCount, replicas.stream().map(r -> "localhost:" + r.port).toList(),
                millis(t4 - t0), millis(t1 - t0), millis(t2 - t1), millis(t3 - t2), millis(t4 - t3));
    }

    /**
     * A base backup without pg_basebackup, which zonky's binaries lack: the low-level backup API around
     * a file copy. A replication slot per replica, made first, keeps the WAL from the backup's start
     * until that replica has streamed it, whatever the primary writes meanwhile.
     */
    private void baseBackup() {
        try (Connection c = connect(primaryPort, ADMIN_DATABASE); Statement s = c.createStatement()) {
            for (Replica replica : replicas) {
                s.execute("SELECT pg_create_physical_replication_slot('" + slotName(replica.number) + "', true)");
            }
            // fast => true: an immediate checkpoint instead of a spread one.
            s.execute("SELECT pg_backup_start('shardkit-" + id + "', true)");
            for (Replica replica : replicas) {
                copy(primaryDirectory, replica.directory, true);
            }
            String label;
            String tablespaceMap;
            // wait_for_archive => false: there is no WAL archive; the replicas stream instead.
            try (ResultSet rs = s.executeQuery("SELECT labelfile, spcmapfile FROM pg_backup_stop(false)")) {
                rs.next();
                label = rs.getString(1);
                tablespaceMap = rs.getString(2);
            }
            for (Replica replica : replicas) {
                int n = replica.number;
                Path copy = replica.directory;
                Files.writeString(copy.resolve("backup_label"), label, StandardCharsets.UTF_8);
                if (tablespaceMap != null && !tablespaceMap.isEmpty()) {
                    Files.writeString(copy.resolve("tablespace_map"), tablespaceMap, StandardCharsets.UTF_8);
                }
                Files.createFile(copy.resolve("standby.signal"));
                // In the file, not on the command line: zonky passes settings through pg_ctl -o, which
                // splits on the spaces a conninfo has.
                Files.writeString(copy.resolve("postgresql.auto.conf"),
                        "\nprimary_conninfo = 'host=localhost port=" + primaryPort + " user=" + USER
                                + " application_name=" + slotName(n) + "'\nprimary_slot_name = '" + slotName(n) + "'\n",
                        StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            }
        } catch (SQLException e) {
            throw failure("primary", "base backup on localhost:" + primaryPort + " failed", e);
        } catch (IOException e) {
            throw new IllegalStateException("[primary] could not copy the data directory " + primaryDirectory
                    + " for the replicas: " + e + " — check free space in " + workingDirectory(), e);
        }
    }

    /**
     * Starts the primary. The first one in the JVM runs initdb (about two seconds, most of a start) and
     * leaves a copy of the fresh cluster as a template; later ones start from a copy of that template.
     */
    private EmbeddedPostgres startPrimary() {
        Path template = InitdbTemplate.get();
        if (template == null) {
            return startServer(primaryDirectory, 0, "primary", InitdbTemplate::offer);
        }
        try {
            copy(template, primaryDirectory, false);
        } catch (IOException e) {
            throw new IllegalStateException("[primary] could not copy the initdb template " + template + " to "
                    + primaryDirectory + ": " + e + " — check free space in " + workingDirectory(), e);
        }
        return startServer(primaryDirectory, 0, "primary", null);
    }

    /**
     * Copies a cluster's directory tree, keeping permissions. For a base backup of a running cluster it
     * skips what pg_basebackup skips, and files that vanish meanwhile are fine.
     */
    private static void copy(Path from, Path to, boolean baseBackup) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (baseBackup && !dir.equals(from) && dir.getFileName().toString().startsWith(TEMP_PREFIX)) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                Path target = to.resolve(from.relativize(dir).toString());
                Files.createDirectories(target);
                // PostgreSQL refuses a data directory readable by others; keep the source's 0700.
                Files.setPosixFilePermissions(target, Files.getPosixFilePermissions(dir));
                return baseBackup && EMPTY_IN_COPY.contains(dir.getFileName().toString()) && dir.getParent().equals(from)
                        ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                String name = file.getFileName().toString();
                if (name.equals(ZONKY_LOCK) || baseBackup && (NOT_COPIED.contains(name) || name.startsWith(TEMP_PREFIX))) {
                    return FileVisitResult.CONTINUE;
                }
                try {
                    Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES);
                } catch (NoSuchFileException vanished) {
                    // Dropped or rotated by the running server during the copy; WAL replay recreates what matters.
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }
        });
    }

    private String primaryWalPosition() {
        try (Connection c = connect(primaryPort, ADMIN_DATABASE); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_current_wal_lsn()::text")) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw failure("primary", "could not read the WAL position on localhost:" + primaryPort, e);
        }
    }

    private static IllegalStateException failure(String server, String what, SQLException e) {
        return new IllegalStateException("[" + server + "] " + what
                + " (SQLState " + e.getSQLState() + "): " + e.getMessage(), e);
    }

    /**
     * One hot standby of the primary. {@link #stop()} and {@link #start()} keep its port and directory,
     * so its {@link #databases()} stay valid; a restarted replica resumes streaming where it stopped
     * (its slot on the primary kept the WAL) and replays unpaused.
     */
    public final class Replica {

        private final int number;
        private final Path directory;
        private final List<String> names;
        private volatile EmbeddedPostgres server;
        private volatile int port;
        private volatile List<TestDatabase> databases = List.of();
        // Held while stopped, in place of the server's; see holdZonkyLock.
        private FileChannel lockWhileStopped;

        private Replica(int number, Path directory, List<String> names) {
            this.number = number;
            this.directory = directory;
            this.names = names;
        }

        /** This replica's copies of {@link #primaries()}, in the same order; an immutable list. */
        public List<TestDatabase> databases() {
            return databases;
        }

        public boolean running() {
            return server != null;
        }

        /**
         * Stops applying WAL from the primary: from the moment this returns, nothing the primary
         * commits becomes visible here until {@link #resumeReplay()}. WAL keeps arriving meanwhile.
         * Pausing is per server, so it covers all of this replica's databases.
         */
        public void pauseReplay() {
            String state = onAdmin("pause replay", s -> {
                s.execute("SELECT pg_wal_replay_pause()");
                return queryString(s, "SELECT pg_get_wal_replay_pause_state()");
            });
            // 'pause requested' is enough: the startup process checks it before applying each record.
            if ("not paused".equals(state)) {
                throw new IllegalStateException("[" + name() + "] replay still 'not paused' after pg_wal_replay_pause()");
            }
        }

        /** Resumes applying WAL; what arrived while paused is applied at once. */
        public void resumeReplay() {
            onAdmin("resume replay", s -> s.execute("SELECT pg_wal_replay_resume()"));
        }

        /**
         * Waits until this replica has replayed the primary's WAL up to the position the primary has
         * written when this method is called.
         *
         * @throws IllegalStateException if it is still behind after {@code timeout}, or is stopped
         */
        public void awaitReplayCaughtUp(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            awaitReplayed(primaryWalPosition(), System.nanoTime() + timeout.toNanos(), timeout);
        }

        /**
         * Stops this replica's server (fast shutdown), keeping its directory; connections to it then
         * fail as to any server that is down. Does nothing if it is already stopped.
         */
        public void stop() {
            // The cluster's lock for every start and stop, so close() never races a start.
            synchronized (ReplicatedPostgres.this) {
                if (server == null) {
                    return;
                }
                stopQuietly();
                try {
                    lockWhileStopped = holdZonkyLock(directory);
                } catch (IOException e) {
                    log.warn("[{}] could not lock {} while stopped; a zonky start-up may delete it after ten minutes: {}",
                            name(), directory, e.toString());
                }
            }
        }

        /**
         * Starts this replica again on the same port and returns once it streams from the primary.
         * Does nothing if it is running.
         *
         * @throws IllegalStateException if it does not start or does not reach the primary
         */
        public void start() {
            synchronized (ReplicatedPostgres.this) {
                if (closed) {
                    throw new IllegalStateException("[" + name() + "] cannot start: " + ReplicatedPostgres.this + " is closed");
                }
                if (server != null) {
                    return;
                }
                closeQuietly(lockWhileStopped); // zonky takes the lock itself, and fails if this JVM holds it
                lockWhileStopped = null;
                EmbeddedPostgres started = startServer(directory, port, name(), null);
                server = started;
                if (port == 0) {
                    port = started.getPort();
                    databases = names.stream().map(n -> database(n, port)).toList();
                }
                awaitStreaming();
            }
        }

        @Override
        public String toString() {
            return name() + "[localhost:" + port + (running() ? "" : ", stopped") + "]";
        }

        private String name() {
            return "replica " + number;
        }

        private void awaitStreaming() {
            long deadline = System.nanoTime() + READY_WAIT.toNanos();
            String state = null;
            try (Connection c = connect(primaryPort, ADMIN_DATABASE);
                 PreparedStatement ps = c.prepareStatement("SELECT state FROM pg_stat_replication WHERE application_name = ?")) {
                ps.setString(1, slotName(number));
                while (true) {
                    try (ResultSet rs = ps.executeQuery()) {
                        state = rs.next() ? rs.getString(1) : null;
                    }
                    if ("streaming".equals(state)) {
                        return;
                    }
                    if (System.nanoTime() - deadline > 0) {
                        throw new IllegalStateException("[" + name() + "] not streaming from the primary after "
                                + READY_WAIT.toMillis() + " ms (pg_stat_replication state: "
                                + (state == null ? "no row" : state) + "); its server log ends with:\n" + tail(serverLog(directory)));
                    }
                    sleep();
                }
            } catch (SQLException e) {
                throw failure(name(), "could not read pg_stat_replication on the primary", e);
            }
        }

        private void awaitReplayed(String target, long deadline, Duration timeout) {
            int at = port;
            if (!running()) {
                throw new IllegalStateException("[" + name() + "] cannot catch up: it is stopped — call start() first");
            }
            try (Connection c = connect(at, ADMIN_DATABASE);
                 PreparedStatement ps = c.prepareStatement("SELECT pg_last_wal_replay_lsn() >= CAST(? AS pg_lsn), "
                         + "pg_last_wal_replay_lsn()::text, pg_get_wal_replay_pause_state()")) {
                ps.setString(1, target);
                while (true) {
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        if (rs.getBoolean(1)) {
                            return;
                        }
                        if (System.nanoTime() - deadline > 0) {
                            throw new IllegalStateException("[" + name() + "] replay did not reach the primary's WAL position "
                                    + target + " within " + timeout.toMillis() + " ms (replayed up to " + rs.getString(2)
                                    + ", replay " + rs.getString(3) + ") — call resumeReplay() first if replay is paused");
                        }
                    }
                    sleep();
                }
            } catch (SQLException e) {
                throw failure(name(), "could not read the replay position on localhost:" + at, e);
            }
        }

        private void checkInRecovery() {
            for (TestDatabase db : databases) {
                try (Connection c = db.open(); Statement s = c.createStatement()) {
                    if (!"t".equals(queryString(s, "SELECT pg_is_in_recovery()"))) {
                        throw new IllegalStateException("[" + name() + "] database " + db.name() + " on localhost:" + port
                                + " is not in recovery, so it is no replica");
                    }
                } catch (SQLException e) {
                    throw failure(name(), "database " + db.name() + " is not readable on localhost:" + port, e);
                }
            }
        }

        private <T> T onAdmin(String what, SqlWork<T> work) {
            EmbeddedPostgres running = server;
            if (running == null) {
                throw new IllegalStateException("[" + name() + "] cannot " + what + ": it is stopped — call start() first");
            }
            try (Connection c = connect(running.getPort(), ADMIN_DATABASE); Statement s = c.createStatement()) {
                return work.run(s);
            } catch (SQLException e) {
                throw failure(name(), "could not " + what + " on localhost:" + running.getPort(), e);
            }
        }

        private void stopQuietly() {
            EmbeddedPostgres running = server;
            server = null;
            if (running != null) {
                closeQuietly(running, name());
            }
        }
    }

    @FunctionalInterface
    private interface SqlWork<T> {
        T run(Statement statement) throws SQLException;
    }

    private static Map<String, String> serverConfig() {
        Map<String, String> config = new LinkedHashMap<>();
        // Throw-away data, as on the shared server.
        config.put("fsync", "off");
        config.put("full_page_writes", "off"); // pg_backup_start forces them on while the backup runs
        // On, unlike the shared server: a commit then returns only once its WAL is written, so the
        // pg_current_wal_lsn() that awaitReplayCaughtUp reads afterwards covers it. Without
        // synchronous_standby_names no commit ever waits for a replica.
        config.put("synchronous_commit", "on");
        config.put("max_connections", String.valueOf(PostgresServer.MAX_CONNECTIONS));
        config.put("wal_level", "replica");
        config.put("max_wal_senders", String.valueOf(MAX_REPLICAS + 2));
        config.put("max_replication_slots", String.valueOf(MAX_REPLICAS + 2));
        // No wal_keep_size: each replica's slot keeps exactly the WAL it still needs, also while stopped.
        config.put("hot_standby", "on");
        // A long read on a replica is not cancelled because the primary vacuumed rows it still sees.
        config.put("hot_standby_feedback", "on");
        return Map.copyOf(config);
    }

    /**
     * Starts zonky's PostgreSQL on the directory; initdb runs only if it holds no cluster yet.
     *
     * @param afterInitdb called with the directory between initdb and the server's start; may be null
     */
    private static EmbeddedPostgres startServer(Path directory, int port, String role, Consumer<File> afterInitdb) {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                // close() and our own hook stop the servers, replicas before the primary.
                .setRegisterShutdownHook(false)
                .setDataDirectory(directory)
                // false: zonky then runs initdb only without a postgresql.conf, so a copied cluster is used
                // as it is, and keeps the directory when the server stops, so a replica can start again.
                // close() deletes the directories.
                .setCleanDataDirectory(false)
                .setPort(port)
                .setPGStartupWait(SERVER_START_WAIT)
                // The server's own log, beside the data directory (initdb wants that empty), so a failed
                // start can say why; zonky would pass it to a logger that tests set to WARN.
                .setOutputRedirector(ProcessBuilder.Redirect.appendTo(serverLog(directory).toFile()))
                .setErrorRedirector(ProcessBuilder.Redirect.appendTo(serverLog(directory).toFile()));
        SERVER_CONFIG.forEach(builder::setServerConfig);
        if (afterInitdb != null) {
            builder.setDataDirectoryCustomizer(afterInitdb);
        }
        try {
            return builder.start();
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("[" + role + "] embedded PostgreSQL failed to start in "
                    + directory + ": " + e.getMessage() + "; the server log ends with:\n" + tail(serverLog(directory))
                    + "\n— if the log is empty, check that java.io.tmpdir (" + System.getProperty("java.io.tmpdir")
                    + ") is writable, not noexec, and has free space", e);
        }
    }

    private static Path serverLog(Path dataDirectory) {
        return dataDirectory.resolveSibling(dataDirectory.getFileName() + ".log");
    }

    /** The last lines of a server log, for an exception message. */
    private static String tail(Path serverLog) {
        try {
            List<String> lines = Files.readAllLines(serverLog, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 12), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no server log: " + e + ")";
        }
    }

    /**
     * A copy of a cluster fresh from initdb, made once per JVM and deleted at its exit. It keeps zonky's
     * lock file, so if the JVM is killed zonky's next start deletes it like any abandoned data directory.
     */
    private static final class InitdbTemplate {

        private static Path template;
        private static FileChannel lock;

        private InitdbTemplate() {
        }

        static synchronized Path get() {
            return template;
        }

        /** Keeps a copy of the cluster unless there is one already; a failed copy only costs later starts an initdb. */
        static void offer(File freshCluster) {
            synchronized (InitdbTemplate.class) {
                if (template != null) {
                    return;
                }
            }
            Path copy = workingDirectory().resolve("shardkit-initdb-" + UUID.randomUUID().toString().substring(0, 8));
            FileChannel held;
            try {
                copy(freshCluster.toPath(), copy, false);
                held = holdZonkyLock(copy);
            } catch (IOException e) {
                log.warn("[replicated-postgres] could not keep an initdb template in {}: {}", copy, e.toString());
                deleteQuietly(copy);
                return;
            }
            synchronized (InitdbTemplate.class) {
                if (template == null) {
                    template = copy;
                    lock = held; // for the JVM's lifetime
                    Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(copy), "shardkit-initdb-template-delete"));
                    return;
                }
            }
            closeQuietly(held);
            deleteQuietly(copy);
        }
    }

    /**
     * Locks zonky's lock file in the directory as a running server would, so no zonky start-up deletes
     * the directory while this JVM needs it; closing the channel releases the lock.
     */
    private static FileChannel holdZonkyLock(Path directory) throws IOException {
        FileChannel channel = FileChannel.open(directory.resolve(ZONKY_LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            if (channel.tryLock() == null) {
                throw new IOException("another process holds " + directory.resolve(ZONKY_LOCK));
            }
            return channel;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            log.debug("[replicated-postgres] could not release a lock file: {}", e.toString());
        }
    }

    /** Zonky's working directory: its start-up deletes data directories there whose server was left running by a dead JVM. */
    private static Path workingDirectory() {
        return Path.of(System.getProperty("ot.epg.working-dir",
                new File(System.getProperty("java.io.tmpdir"), "embedded-pg").getPath()));
    }

    private static String slotName(int replica) {
        return "shardkit_replica_" + replica;
    }

    private static TestDatabase database(String name, int port) {
        // zonky's cluster trusts local connections, so the password is not checked.
        return new TestDatabase(name, "jdbc:postgresql://localhost:" + port + "/" + name, USER, "", Engine.POSTGRES);
    }

    private static Connection connect(int port, String database) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/" + database, USER, "");
    }

    private static String queryString(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void closeQuietly(EmbeddedPostgres server, String role) {
        try {
            server.close();
        } catch (IOException | RuntimeException e) {
            log.warn("[{}] could not stop PostgreSQL on localhost:{}: {}", role, server.getPort(), e.toString());
        }
    }

    private static void deleteQuietly(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            log.warn("[replicated-postgres] could not delete {}: {}", directory, e.toString());
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a replica", e);
        }
    }

    private static long millis(long nanos) {
        return nanos / 1_000_000;
    }
}
