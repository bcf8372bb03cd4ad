package io.shardkit.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Real faults on real servers: a killed, a frozen and a restarted primary or replica, terminated sessions, and a
 * close that cleans up after all of them. One cluster for the tests that leave it healthy again.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PrimaryFaultsTest {

    private static final Duration CATCH_UP = Duration.ofSeconds(30);

    private static ReplicatedPostgres pg;
    private static ExecutorService pool;

    @BeforeAll
    static void startCluster() {
        pg = ReplicatedPostgres.start(1, 1);
        pool = Executors.newCachedThreadPool();
    }

    @AfterAll
    static void stopCluster() {
        if (pg != null) {
            pg.close();
        }
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    /** Whatever a test did, the next one finds both servers running, thawed and streaming. */
    @AfterEach
    void healthyAgain() {
        pg.primary().thaw();
        pg.primary().start();
        pg.replica(0).thaw();
        pg.replica(0).start();
    }

    @Test
    void aKilledPrimaryDropsItsConnectionsAndRestartsOnItsPortWithEveryCommittedRow() throws Exception {
        TestDatabase primary = pg.primaries().get(0);
        TestDatabase replica = pg.replicas().get(0);
        Jdbc.execute(primary, "CREATE TABLE survivors (id INT PRIMARY KEY)",
                "INSERT INTO survivors SELECT generate_series(1, 1000)", "INSERT INTO survivors VALUES (1001)");
        pg.awaitReplayCaughtUp(CATCH_UP);
        long pid = pg.primary().pid();
        int port = pg.primary().port();
        List<ProcessHandle> processes = Stream.concat(Stream.of(ProcessHandle.of(pid).orElseThrow()),
                ProcessHandle.of(pid).orElseThrow().descendants()).toList();
        assertTrue(processes.size() > 4, "postmaster and its helpers: " + processes);

        try (Connection open = primary.open(); Connection busy = primary.open()) {
            assertEquals(1001, count(open, "survivors"));
            Future<?> running = pool.submit(() -> {
                try (Statement s = busy.createStatement()) {
                    s.execute("SELECT pg_sleep(60)");
                }
                return null;
            });
            awaitStatement(primary.name(), "SELECT pg_sleep(60)");

            pg.primary().kill();

            assertFalse(pg.primary().running());
            assertEquals(List.of(), processes.stream().filter(PrimaryFaultsTest::alive).toList(), "all processes gone");
            assertConnectionLost(assertThrows(SQLException.class, () -> count(open, "survivors")));
            ExecutionException query = assertThrows(ExecutionException.class, () -> running.get(10, TimeUnit.SECONDS));
            assertConnectionLost((SQLException) query.getCause());
        }
        SQLException refused = assertThrows(SQLException.class, () -> primary.open().close());
        assertEquals("08001", refused.getSQLState(), refused.getMessage());
        assertEquals("[primary] has no postmaster: it is killed — call start() first",
                assertThrows(IllegalStateException.class, () -> pg.primary().pid()).getMessage());
        assertEquals("[primary] cannot read its WAL position: it is killed — call start() first",
                assertThrows(IllegalStateException.class, () -> pg.awaitReplayCaughtUp(CATCH_UP)).getMessage());
        assertEquals("[primary] cannot freeze: it is killed — call start() first",
                assertThrows(IllegalStateException.class, () -> pg.primary().freeze()).getMessage());
        pg.primary().kill(); // does nothing the second time
        // The replica keeps serving what it had.
        assertEquals(1001, Jdbc.queryLong(replica, "SELECT COUNT(*) FROM survivors"));

        pg.primary().start();

        assertTrue(pg.primary().running());
        assertEquals(port, pg.primary().port());
        assertNotEquals(pid, pg.primary().pid());
        assertEquals("jdbc:postgresql://localhost:" + port + "/shard_0", primary.jdbcUrl());
        assertEquals(1001, Jdbc.queryLong(primary, "SELECT COUNT(*) FROM survivors"));
        // start() waited for the replica to stream again, and replay goes on.
        assertEquals("streaming", Jdbc.queryString(primary, "SELECT state FROM pg_stat_replication"));
        Jdbc.execute(primary, "INSERT INTO survivors VALUES (1002)");
        pg.awaitReplayCaughtUp(CATCH_UP);
        assertEquals(1002, Jdbc.queryLong(replica, "SELECT MAX(id) FROM survivors"));
    }

    @Test
    void aFrozenPrimaryAcceptsConnectionsButAnswersNothingUntilThawed() throws Exception {
        TestDatabase primary = pg.primaries().get(0);
        try (Connection open = primary.open()) {
            open.setNetworkTimeout(pool, 1000);
            assertEquals(1, queryInt(open, "SELECT 1"));
            long pid = pg.primary().pid();

            pg.primary().freeze();

            assertTrue(pg.primary().frozen());
            assertEquals('T', state(pid), "postmaster stopped");
            long started = System.nanoTime();
            SQLException timedOut = assertThrows(SQLException.class, () -> queryInt(open, "SELECT 1"));
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertTrue(millis >= 900 && millis < 10_000, "failed after " + millis + " ms");
            assertTrue(causes(timedOut).stream().anyMatch(SocketTimeoutException.class::isInstance), causes(timedOut).toString());

            // The kernel still accepts connections; only the server never answers them.
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("localhost", pg.primary().port()), 1000);
            }
            SQLException login = assertThrows(SQLException.class, () -> connectWithTimeout(primary, 1).close());
            assertTrue(causes(login).stream().anyMatch(SocketTimeoutException.class::isInstance), causes(login).toString());
            assertEquals("[primary] cannot read its WAL position: it is frozen — call thaw() first",
                    assertThrows(IllegalStateException.class, () -> pg.awaitReplayCaughtUp(CATCH_UP)).getMessage());
            assertEquals("[primary] cannot terminate backends: it is frozen — call thaw() first",
                    assertThrows(IllegalStateException.class, () -> pg.primary().terminateBackends("shard_0")).getMessage());

            pg.primary().thaw();

            assertFalse(pg.primary().frozen());
            assertNotEquals('T', state(pid));
            assertEquals(1, Jdbc.queryLong(primary, "SELECT 1"));
            pg.awaitReplayCaughtUp(CATCH_UP);
        }
    }

    @Test
    void terminatedBackendsGetAdminShutdownAndActiveStatementsShowWhatIsLeftRunning() throws Exception {
        TestDatabase primary = pg.primaries().get(0);
        TestDatabase admin = PostgresProcess.database("postgres", pg.primary().port());
        try (Connection idle = primary.open(); Connection inTransaction = primary.open(); Connection busy = primary.open();
             Connection elsewhere = admin.open()) {
            assertEquals(1, queryInt(idle, "SELECT 1"));
            inTransaction.setAutoCommit(false);
            assertEquals(42, queryInt(inTransaction, "SELECT 42 AS leaked_transaction"));
            Future<?> running = pool.submit(() -> {
                try (Statement s = busy.createStatement()) {
                    s.execute("SELECT pg_sleep(60) AS leaked_statement");
                }
                return null;
            });
            awaitStatement(primary.name(), "SELECT pg_sleep(60) AS leaked_statement");
            assertEquals(List.of("SELECT 42 AS leaked_transaction", "SELECT pg_sleep(60) AS leaked_statement"),
                    pg.primary().activeStatements(primary.name()).stream().sorted().toList());

            assertEquals(3, pg.primary().terminateBackends(primary.name()));

            assertEquals("57P01", assertThrows(SQLException.class, () -> queryInt(idle, "SELECT 1")).getSQLState());
            assertEquals("57P01", assertThrows(SQLException.class, () -> queryInt(inTransaction, "SELECT 1")).getSQLState());
            ExecutionException query = assertThrows(ExecutionException.class, () -> running.get(10, TimeUnit.SECONDS));
            assertEquals("57P01", ((SQLException) query.getCause()).getSQLState());
            assertEquals(List.of(), pg.primary().activeStatements(primary.name()));
            // Another database's session is left alone, until all are ended.
            assertEquals(1, queryInt(elsewhere, "SELECT 1"));
            assertEquals(0, pg.primary().terminateBackends(primary.name()));
            assertTrue(pg.primary().terminateAllClientBackends() >= 1);
            assertEquals("57P01", assertThrows(SQLException.class, () -> queryInt(elsewhere, "SELECT 1")).getSQLState());
        }
        // The replica's WAL sender is no client session: replication goes on.
        Jdbc.execute(primary, "CREATE TABLE after_terminate (id INT)");
        pg.awaitReplayCaughtUp(CATCH_UP);
        assertEquals(0, Jdbc.queryLong(pg.replicas().get(0), "SELECT COUNT(*) FROM after_terminate"));
    }

    @Test
    void aKilledReplicaIsSkippedThenServesReadsAgainAndCatchesUp() throws Exception {
        TestDatabase primary = pg.primaries().get(0);
        ReplicatedPostgres.Replica replica = pg.replica(0);
        TestDatabase copy = replica.databases().get(0);
        Jdbc.execute(primary, "CREATE TABLE behind (id INT)", "INSERT INTO behind VALUES (1)");
        pg.awaitReplayCaughtUp(CATCH_UP);
        long pid = replica.pid();

        try (Connection open = copy.open()) {
            replica.kill();
            assertFalse(replica.running());
            assertFalse(ProcessHandle.of(pid).map(PrimaryFaultsTest::alive).orElse(false));
            assertConnectionLost(assertThrows(SQLException.class, () -> count(open, "behind")));
        }
        assertEquals("08001", assertThrows(SQLException.class, () -> copy.open().close()).getSQLState());
        assertEquals("[replica 1] cannot catch up: it is killed — call start() first",
                assertThrows(IllegalStateException.class, () -> replica.awaitReplayCaughtUp(CATCH_UP)).getMessage());
        Jdbc.execute(primary, "INSERT INTO behind VALUES (2)");
        pg.awaitReplayCaughtUp(CATCH_UP); // skips the killed replica

        replica.start();

        assertTrue(replica.running());
        assertNotEquals(pid, replica.pid());
        pg.awaitReplayCaughtUp(CATCH_UP);
        assertEquals(2, Jdbc.queryLong(copy, "SELECT COUNT(*) FROM behind"));
        assertEquals("t", Jdbc.queryString(copy, "SELECT pg_is_in_recovery()"));
    }

    @Test
    void aFrozenReplicaIsSkippedUntilThawed() throws Exception {
        TestDatabase primary = pg.primaries().get(0);
        ReplicatedPostgres.Replica replica = pg.replica(0);
        Jdbc.execute(primary, "CREATE TABLE while_frozen (id INT)");

        replica.freeze();
        try {
            assertTrue(replica.frozen());
            assertTrue(replica.running());
            SQLException login = assertThrows(SQLException.class, () -> connectWithTimeout(replica.databases().get(0), 1).close());
            assertTrue(causes(login).stream().anyMatch(SocketTimeoutException.class::isInstance), causes(login).toString());
            Jdbc.execute(primary, "INSERT INTO while_frozen VALUES (1)");
            pg.awaitReplayCaughtUp(CATCH_UP); // skips it
            pg.pauseReplay(); // skips it
            pg.resumeReplay();
        } finally {
            replica.thaw();
        }
        pg.awaitReplayCaughtUp(CATCH_UP);
        assertEquals(1, Jdbc.queryLong(replica.databases().get(0), "SELECT COUNT(*) FROM while_frozen"));
    }

    @Test
    void fourShardsRunSideBySideAndCloseCleansUpAfterEveryFault() throws Exception {
        List<ReplicatedPostgres> shards = ReplicatedPostgres.startShards(4);
        List<Path> directories = new ArrayList<>();
        List<Integer> ports = new ArrayList<>();
        List<ProcessHandle> processes = new ArrayList<>();
        try {
            for (ReplicatedPostgres shard : shards) {
                directories.addAll(shard.directories());
                ports.addAll(shard.ports());
                Jdbc.execute(shard.primaries().get(0), "CREATE TABLE t (id INT)", "INSERT INTO t VALUES (1)");
                shard.awaitReplayCaughtUp(CATCH_UP);
            }
            assertEquals(8, new HashSet<>(ports).size(), ports.toString());
            int ephemeralStart = ephemeralStart();
            assertTrue(ports.stream().allMatch(p -> p >= 1024 && p < ephemeralStart), "below the ephemeral range: " + ports);

            for (ReplicatedPostgres shard : shards) {
                for (long pid : List.of(shard.primary().pid(), shard.replica(0).pid())) {
                    ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow();
                    processes.add(postmaster);
                    postmaster.descendants().forEach(processes::add);
                }
            }

            shards.get(1).primary().kill();
            shards.get(2).primary().freeze();
            shards.get(3).replica(0).kill();

            // A fault on one shard leaves the others alone.
            assertEquals(1, Jdbc.queryLong(shards.get(0).primaries().get(0), "SELECT COUNT(*) FROM t"));
            assertEquals(1, Jdbc.queryLong(shards.get(3).primaries().get(0), "SELECT COUNT(*) FROM t"));
            assertEquals("08001", assertThrows(SQLException.class, () -> shards.get(1).primaries().get(0).open().close()).getSQLState());
            assertEquals(1, Jdbc.queryLong(shards.get(1).replicas().get(0), "SELECT COUNT(*) FROM t"));
        } finally {
            // Left killed, frozen and killed: close copes with each.
            long started = System.nanoTime();
            shards.forEach(ReplicatedPostgres::close);
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertTrue(millis < 30_000, "close took " + millis + " ms");
        }

        for (Path directory : directories) {
            assertFalse(Files.exists(directory), directory + " left behind");
            assertEquals(List.of(), ReplicatedPostgresTest.processesMentioning(directory), "processes still running on " + directory);
        }
        // Also the frozen primary's backends and helpers, whose command lines do not name the directory.
        assertEquals(List.of(), processes.stream().filter(PrimaryFaultsTest::alive).toList(), "processes left running");
        for (int port : ports) {
            try (Socket socket = new Socket()) {
                assertThrows(IOException.class, () -> socket.connect(new InetSocketAddress("localhost", port), 1000), "port " + port);
            }
        }
        ReplicatedPostgres closed = shards.get(0);
        assertEquals("[primary] cannot kill: " + closed + " is closed",
                assertThrows(IllegalStateException.class, () -> closed.primary().kill()).getMessage());
        assertEquals("[primary] cannot start: " + closed + " is closed",
                assertThrows(IllegalStateException.class, () -> closed.primary().start()).getMessage());
    }

    @Test
    void argumentsAreChecked() {
        assertEquals("shards must be at least 1: 0",
                assertThrows(IllegalArgumentException.class, () -> ReplicatedPostgres.startShards(0)).getMessage());
        assertEquals("database", assertThrows(NullPointerException.class, () -> pg.primary().terminateBackends(null)).getMessage());
    }

    private static void assertConnectionLost(SQLException e) {
        String state = e.getSQLState();
        assertTrue(state != null && (state.startsWith("08") || state.startsWith("57P")), state + ": " + e.getMessage());
    }

    /** Until the primary shows the statement running on the database, so a fault hits it mid-way. */
    private static void awaitStatement(String database, String sql) throws InterruptedException {
        long deadline = System.nanoTime() + CATCH_UP.toNanos();
        while (!pg.primary().activeStatements(database).contains(sql)) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not running after " + CATCH_UP + ": " + sql);
            }
            Thread.sleep(5);
        }
    }

    private static Connection connectWithTimeout(TestDatabase db, int seconds) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", db.username());
        properties.setProperty("password", db.password());
        properties.setProperty("socketTimeout", Integer.toString(seconds));
        properties.setProperty("connectTimeout", Integer.toString(seconds));
        return DriverManager.getConnection(db.jdbcUrl(), properties);
    }

    private static long count(Connection c, String table) throws SQLException {
        return queryInt(c, "SELECT COUNT(*) FROM " + table);
    }

    private static int queryInt(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static List<Throwable> causes(Throwable t) {
        List<Throwable> all = new ArrayList<>();
        for (Throwable c = t; c != null && !all.contains(c); c = c.getCause()) {
            all.add(c);
        }
        return all;
    }

    private static char state(long pid) throws IOException {
        String stat = String.join(" ", Files.readAllLines(Path.of("/proc", Long.toString(pid), "stat")));
        return stat.charAt(stat.lastIndexOf(')') + 2);
    }

    /** Alive and no zombie: a zombie holds no port and no memory, and init may take its time to reap it. */
    private static boolean alive(ProcessHandle process) {
        try {
            return process.isAlive() && state(process.pid()) != 'Z';
        } catch (IOException gone) {
            return false;
        }
    }

    private static int ephemeralStart() throws IOException {
        // readAllLines: Files.readString returns only the first byte of this /proc file.
        return Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim().split("\\s+")[0]);
    }
}
