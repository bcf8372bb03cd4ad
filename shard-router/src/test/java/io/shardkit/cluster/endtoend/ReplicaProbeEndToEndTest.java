package io.shardkit.cluster.endtoend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkit.cluster.ShardCluster;
import io.shardkit.cluster.config.ClusterConfig.DatabaseConfig;
import io.shardkit.cluster.config.ClusterConfig.ReplicaConfig;
import io.shardkit.cluster.config.ClusterConfig.ShardConfig;
import io.shardkit.cluster.config.ClusterConfig.StrategyConfig;
import io.shardkit.cluster.config.ClusterConfig;
import io.shardkit.test.ReplicatedPostgres;
import io.shardkit.test.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Replica health and lag are probed in the background with the production read settings (no {@code reads:}
 * section): a read only looks at the last probe's result, so a replica that is down never makes a caller wait for
 * its connection timeout. The replica is reached through {@link RecordingDriver}, which sees which thread runs the
 * probe's SQL and whether the caller's thread was waiting when a connection to the replica was attempted.
 */
class ReplicaProbeEndToEndTest {
    /** Only the probe's SQL names this function; the tests' own checks use pg_is_in_recovery() alone. */
    static final String PROBE_MARKER = "pg_last_wal_replay_lsn";
    static ReplicatedPostgres pg;
    static RecordingDriver driver;
    ShardCluster cluster;
    final long key = 1;

    @BeforeAll
    static void startReplication() throws Exception {
        driver = RecordingDriver.register();
        pg = ReplicatedPostgres.start(1);
    }

    @AfterAll
    static void stopReplication() {
        pg.close();
    }

    static ClusterConfig config() {
        TestDatabase p = pg.primaries().getFirst();
        TestDatabase r = pg.replicas().getFirst();
        DatabaseConfig db = new DatabaseConfig(p.jdbcUrl(), p.username(), p.password(), "postgres", null,
                List.of(new ReplicaConfig(RecordingDriver.wrap(r.jdbcUrl()), r.username(), r.password(), null)));
        return new ClusterConfig(Map.of("db0", db), List.of(new ShardConfig("s0", "db0", null, null)),
                new StrategyConfig("jump", null, null, null), "long", Map.of());  // reads: the defaults
    }

    @BeforeEach
    void start() {
        driver.reset(Thread.currentThread(), PROBE_MARKER);
        cluster = ShardCluster.create(config());
    }

    @AfterEach
    void stop() {
        cluster.close();
        pg.startReplica();
    }

    static boolean onReplica(DSLContext dsl) {
        return (Boolean) dsl.fetchValue("select pg_is_in_recovery()");
    }

    /** A read that got the primary's own context; telling needs no query. */
    boolean readsPrimary() {
        return cluster.readDsl(key) == cluster.dsl(key);
    }

    @Test
    void theCallersThreadNeverRunsAProbe() throws Exception {
        for (int i = 0; i < 20; i++) cluster.readDsl(key).fetchValue("select 1");
        Await.until("a probe", () -> !driver.markedSqlThreads.isEmpty());
        String caller = Thread.currentThread().getName();
        assertFalse(driver.markedSqlThreads.contains(caller), "probed on the caller's thread: " + driver.markedSqlThreads);
        assertTrue(driver.markedSqlThreads.stream().allMatch(t -> t.startsWith("shardkit-replica-probe")),
                driver.markedSqlThreads.toString());
        Await.until("the probe's result", () -> !readsPrimary());
        assertTrue(onReplica(cluster.readDsl(key)), "the probed replica serves reads");
    }

    @Test
    void aReplicaThatIsDownNeverMakesAReadWaitAndIsUsedAgainOnceBack() throws Exception {
        Await.until("the replica probed healthy", () -> !readsPrimary());
        pg.stopReplica();
        Await.until("the replica seen down", this::readsPrimary);
        int attemptsWhenDown = driver.connectAttempts.get();
        long start = System.nanoTime();
        int reads = 0;
        // Past the retry interval (5 s by default), so a caller would now pay for a retry if the caller made it;
        // and until the probe has tried the replica again, so there were attempts a caller could have waited for.
        while (System.nanoTime() - start < Duration.ofSeconds(6).toNanos()
                || driver.connectAttempts.get() <= attemptsWhenDown) {
            DSLContext read = cluster.readDsl(key);
            assertTrue(cluster.dsl(key) == read, "a replica that is down is not handed out");
            assertEquals(1, read.fetchValue("select 1"));
            reads++;
            if (System.nanoTime() - start > Duration.ofSeconds(60).toNanos()) throw new AssertionError("the replica was never retried");
        }
        assertTrue(driver.connectAttempts.get() > attemptsWhenDown, "the replica was tried again while down");
        assertEquals(0, driver.attemptsWhileWatchedWaits.get(), "connection attempts to the down replica while the"
                + " caller's thread waited for them (of " + driver.connectAttempts.get() + ", over " + reads + " reads)");

        pg.startReplica();
        Await.until("the replica used again", () -> !readsPrimary());
        DSLContext read = cluster.readDsl(key);
        assertTrue(cluster.dsl(key) != read, "the replica is handed out again");
        assertTrue(onReplica(read), "back and probed healthy: reads use it again");
        assertEquals(0, driver.attemptsWhileWatchedWaits.get());
        assertFalse(driver.markedSqlThreads.contains(Thread.currentThread().getName()), driver.markedSqlThreads.toString());
    }
}
