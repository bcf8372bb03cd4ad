package io.shardkit.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Real streaming replication: what a replica shows, when, and that it refuses writes. */
class ReplicatedPostgresTest {

    private static final Duration CATCH_UP = Duration.ofSeconds(30);

    /** One cluster for the tests that only add tables; each uses its own table names. */
    private static ReplicatedPostgres pg;

    @BeforeAll
    static void startCluster() {
        pg = ReplicatedPostgres.start(3);
    }

    @AfterAll
    static void stopCluster() {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void aRowWrittenOnThePrimaryShowsOnTheReplicaOnceReplayed() throws SQLException {
        TestDatabase primary = pg.primaries().get(0);
        TestDatabase replica = pg.replicas().get(0);
        Jdbc.execute(primary, "CREATE TABLE visible (id INT PRIMARY KEY, note TEXT)", "INSERT INTO visible VALUES (1, 'from primary')");

        pg.awaitReplayCaughtUp(CATCH_UP);

        assertEquals("from primary", Jdbc.queryString(replica, "SELECT note FROM visible WHERE id = 1"));
        assertEquals(1, Jdbc.queryLong(replica, "SELECT COUNT(*) FROM visible"));
        assertEquals("t", Jdbc.queryString(replica, "SELECT pg_is_in_recovery()"));
        assertEquals("f", Jdbc.queryString(primary, "SELECT pg_is_in_recovery()"));
    }

    @Test
    void theReplicaRefusesWrites() throws SQLException {
        TestDatabase primary = pg.primaries().get(1);
        TestDatabase replica = pg.replicas().get(1);
        Jdbc.execute(primary, "CREATE TABLE writes (id INT PRIMARY KEY)");
        pg.awaitReplayCaughtUp(CATCH_UP);

        SQLException refused = assertThrows(SQLException.class, () -> Jdbc.execute(replica, "INSERT INTO writes VALUES (1)"));
        assertEquals("25006", refused.getSQLState(), refused.getMessage()); // read_only_sql_transaction
        assertTrue(refused.getMessage().contains("cannot execute INSERT in a read-only transaction"), refused.getMessage());

        // The same statement is fine on the primary, so the refusal is the replica's, not the statement's.
        Jdbc.execute(primary, "INSERT INTO writes VALUES (1)");
        pg.awaitReplayCaughtUp(CATCH_UP);
        assertEquals(1, Jdbc.queryLong(replica, "SELECT COUNT(*) FROM writes"));
    }

    @Test
    void pausedReplayKeepsTheReplicaStaleUntilResumed() throws SQLException, InterruptedException {
        TestDatabase primary = pg.primaries().get(2);
        TestDatabase replica = pg.replicas().get(2);
        Jdbc.execute(primary, "CREATE TABLE stale (id INT PRIMARY KEY)", "INSERT INTO stale VALUES (1)");
        pg.awaitReplayCaughtUp(CATCH_UP);
        assertEquals(1, Jdbc.queryLong(replica, "SELECT COUNT(*) FROM stale"));

        pg.pauseReplay();
        try {
            Jdbc.execute(primary, "INSERT INTO stale VALUES (2)");
            String written = Jdbc.queryString(primary, "SELECT pg_current_wal_lsn()::text");
            // The WAL with row 2 has reached the replica: if it is not shown, it is the pause that hides it.
            awaitTrue(replica, "SELECT pg_last_wal_receive_lsn() >= '" + written + "'::pg_lsn");

            assertEquals(1, Jdbc.queryLong(replica, "SELECT COUNT(*) FROM stale"));
            assertEquals("t", Jdbc.queryString(replica, "SELECT pg_last_wal_replay_lsn() < '" + written + "'::pg_lsn"));
            assertEquals(2, Jdbc.queryLong(primary, "SELECT COUNT(*) FROM stale"));
            // With WAL waiting, a requested pause has become a real one.
            awaitTrue(replica, "SELECT pg_get_wal_replay_pause_state() = 'paused'");

            IllegalStateException behind = assertThrows(IllegalStateException.class,
                    () -> pg.awaitReplayCaughtUp(Duration.ofMillis(200)));
            assertTrue(behind.getMessage().startsWith("[replica 1] replay did not reach the primary's WAL position "), behind.getMessage());
            assertTrue(behind.getMessage().endsWith(", replay paused) — call resumeReplay() first if replay is paused"),
                    behind.getMessage());
        } finally {
            pg.resumeReplay();
        }
        pg.awaitReplayCaughtUp(CATCH_UP);

        assertEquals(2, Jdbc.queryLong(replica, "SELECT COUNT(*) FROM stale"));
        assertEquals("not paused", Jdbc.queryString(replica, "SELECT pg_get_wal_replay_pause_state()"));
    }

    @Test
    void everyDatabaseIsReplicatedToItsNamesake() throws SQLException {
        List<TestDatabase> primaries = pg.primaries();
        List<TestDatabase> replicas = pg.replicas();
        assertEquals(3, primaries.size());
        assertEquals(3, replicas.size());
        for (int i = 0; i < primaries.size(); i++) {
            assertEquals("shard_" + i, primaries.get(i).name());
            assertEquals(primaries.get(i).name(), replicas.get(i).name());
            assertNotEquals(Jdbc.hostAndPort(primaries.get(i).jdbcUrl()), Jdbc.hostAndPort(replicas.get(i).jdbcUrl()));
            assertEquals(Engine.POSTGRES, replicas.get(i).engine());
            Jdbc.execute(primaries.get(i), "CREATE TABLE origin (db TEXT)",
                    "INSERT INTO origin VALUES ('" + primaries.get(i).name() + "')");
        }

        pg.awaitReplayCaughtUp(CATCH_UP);

        for (TestDatabase replica : replicas) {
            assertEquals(replica.name(), Jdbc.queryString(replica, "SELECT current_database()"));
            assertEquals(1, Jdbc.queryLong(replica, "SELECT COUNT(*) FROM origin"), "rows in " + replica);
            assertEquals(replica.name(), Jdbc.queryString(replica, "SELECT db FROM origin"));
        }
        assertThrows(UnsupportedOperationException.class, () -> replicas.clear());
    }

    @Test
    void aStoppedReplicaIsSkippedAndCatchesUpWhenStartedAgainAndCloseLeavesNothingBehind() throws Exception {
        ReplicatedPostgres two = ReplicatedPostgres.start(1, 2);
        List<Path> directories = two.directories();
        List<Integer> ports = two.ports();
        try {
            TestDatabase primary = two.primaries().get(0);
            TestDatabase first = two.replica(0).databases().get(0);
            TestDatabase second = two.replica(1).databases().get(0);
            assertEquals(first, two.replicas().get(0));
            assertEquals(3, ports.stream().distinct().count(), ports.toString());
            Jdbc.execute(primary, "CREATE TABLE t (id INT)");

            two.stopReplica();
            assertFalse(two.replica(0).running());
            SQLException down = assertThrows(SQLException.class, () -> first.open().close());
            assertEquals("08001", down.getSQLState(), down.getMessage()); // connection refused
            IllegalStateException stopped = assertThrows(IllegalStateException.class,
                    () -> two.replica(0).awaitReplayCaughtUp(CATCH_UP));
            assertEquals("[replica 1] cannot catch up: it is stopped — call start() first", stopped.getMessage());

            Jdbc.execute(primary, "INSERT INTO t VALUES (1)");
            two.awaitReplayCaughtUp(CATCH_UP); // skips the stopped replica
            assertEquals(1, Jdbc.queryLong(second, "SELECT COUNT(*) FROM t"));

            two.startReplica();
            assertTrue(two.replica(0).running());
            assertEquals(first, two.replicas().get(0), "same port after a restart");
            two.awaitReplayCaughtUp(CATCH_UP);
            assertEquals(1, Jdbc.queryLong(first, "SELECT COUNT(*) FROM t"));
        } finally {
            two.close();
        }

        for (Path directory : directories) {
            assertFalse(Files.exists(directory), directory + " left behind");
            Path serverLog = directory.resolveSibling(directory.getFileName() + ".log");
            assertFalse(Files.exists(serverLog), serverLog + " left behind");
            assertEquals(List.of(), processesMentioning(directory), "processes still running on " + directory);
        }
        for (int port : ports) {
            assertThrows(SQLException.class,
                    () -> java.sql.DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/postgres", "postgres", "").close());
        }
        two.close(); // a second close does nothing
        assertTrue(two.toString().endsWith(", closed]"), two.toString());
        assertEquals("[replica 1] cannot start: " + two + " is closed",
                assertThrows(IllegalStateException.class, () -> two.replica(0).start()).getMessage());
    }

    @Test
    void argumentsAreChecked() {
        assertEquals("databases must be at least 1: 0",
                assertThrows(IllegalArgumentException.class, () -> ReplicatedPostgres.start(0)).getMessage());
        assertEquals("replicas must be between 1 and 8: 0",
                assertThrows(IllegalArgumentException.class, () -> ReplicatedPostgres.start(1, 0)).getMessage());
        assertEquals("replicas must be between 1 and 8: 9",
                assertThrows(IllegalArgumentException.class, () -> ReplicatedPostgres.start(1, 9)).getMessage());
        assertEquals("replica index 1 out of range: 1 replicas (0..0)",
                assertThrows(IndexOutOfBoundsException.class, () -> pg.replica(1)).getMessage());
    }

    private static void awaitTrue(TestDatabase db, String sql) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + CATCH_UP.toNanos();
        while (!"t".equals(Jdbc.queryString(db, sql))) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("still false after " + CATCH_UP + ": " + sql + " on " + db);
            }
            Thread.sleep(5);
        }
    }

    /** Command lines of live processes that name the directory, e.g. a postgres started with -D on it. */
    static List<String> processesMentioning(Path directory) throws IOException {
        String needle = directory.toString();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .map(p -> {
                        try {
                            return new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
                        } catch (IOException gone) {
                            return "";
                        }
                    })
                    .filter(cmd -> cmd.contains(needle))
                    .toList();
        }
    }
}
