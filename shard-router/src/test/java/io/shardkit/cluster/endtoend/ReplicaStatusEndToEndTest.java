package io.shardkit.cluster.endtoend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkit.cluster.ReplicaStatus;
import io.shardkit.cluster.ShardCluster;
import io.shardkit.cluster.config.ClusterConfig;
import io.shardkit.cluster.config.ClusterConfig.DatabaseConfig;
import io.shardkit.cluster.config.ClusterConfig.PoolConfig;
import io.shardkit.cluster.config.ClusterConfig.ReadsConfig;
import io.shardkit.cluster.config.ClusterConfig.ReplicaConfig;
import io.shardkit.cluster.config.ClusterConfig.ShardConfig;
import io.shardkit.cluster.config.ClusterConfig.StrategyConfig;
import io.shardkit.router.ShardException;
import io.shardkit.test.ReplicatedPostgres;
import io.shardkit.test.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ShardCluster#replicaStatus()} on real PostgreSQL streaming replication: what the background probes measured
 * (lag in time and in WAL bytes), and why reads pass a replica over once replay is paused or its server stopped.
 */
class ReplicaStatusEndToEndTest {
    static final long MAX_LAG_MS = 200;
    static ReplicatedPostgres pg;
    ShardCluster cluster;

    @BeforeAll
    static void startReplication() {
        pg = ReplicatedPostgres.start(1);
    }

    @AfterAll
    static void stopReplication() {
        pg.close();
    }

    @BeforeEach
    void start() {
        TestDatabase p = pg.primaries().getFirst();
        TestDatabase r = pg.replicas().getFirst();
        // a short connection timeout: a stopped replica's probe fails in 250 ms, not HikariCP's default 30 s
        PoolConfig quick = new PoolConfig(2, 1, 250L, null, null);
        DatabaseConfig db = new DatabaseConfig(p.jdbcUrl(), p.username(), p.password(), "postgres", null,
                List.of(new ReplicaConfig(r.jdbcUrl(), r.username(), r.password(), quick)));
        cluster = ShardCluster.create(new ClusterConfig(Map.of("db0", db), List.of(new ShardConfig("s0", "db0", null, null)),
                new StrategyConfig("jump", null, null, null), "long", Map.of(),
                new ReadsConfig(MAX_LAG_MS, 50L, 200L, 0L)));
        cluster.dsl(1L).execute("create table if not exists beat (n int)");
        Await.until("the replica probed usable", () -> only().usable());
    }

    @AfterEach
    void stop() {
        cluster.close();
        pg.startReplica();
        pg.resumeReplay();
    }

    ReplicaStatus only() {
        List<ReplicaStatus> all = cluster.replicaStatus();
        assertEquals(1, all.size(), all.toString());
        return all.getFirst();
    }

    @Test
    void aStreamingReplicaIsUsableWithItsMeasuredLagAndItsPool() {
        ReplicaStatus status = only();
        assertEquals("db0/replica-0", status.name());
        assertEquals("db0", status.database());
        assertEquals(Optional.empty(), status.skipReason());
        assertTrue(status.lag().isPresent(), "a probe has measured the lag: " + status);
        assertTrue(status.lag().get().toMillis() <= MAX_LAG_MS, status.toString());
        assertTrue(status.lagBytes().isPresent(), "PostgreSQL's probe measures WAL bytes: " + status);
        assertEquals("db0/replica-0", status.pool().database());
        assertEquals(2, status.pool().maximumPoolSize());
        assertTrue(status.pool().total() >= 1, "the probes hold the pool's connections open: " + status);

        assertEquals(List.of(status.name()), cluster.replicaStatus("db0").stream().map(ReplicaStatus::name).toList());
        ShardException unknown = assertThrows(ShardException.class, () -> cluster.replicaStatus("db9"));
        assertEquals("unknown database 'db9' — databases: [db0]", unknown.getMessage());
    }

    @Test
    void aPausedReplicaReportsLaggingWithUnreplayedBytesAndAStoppedOneDown() {
        pg.pauseReplay();
        cluster.dsl(1L).execute("insert into beat values (1)");
        Await.until("the probe sees the paused replica past the bound",
                () -> only().skipReason().equals(Optional.of("lagging")));
        ReplicaStatus lagging = only();
        assertFalse(lagging.usable());
        assertTrue(lagging.lag().orElseThrow().toMillis() > MAX_LAG_MS, lagging.toString());
        Await.until("the insert's WAL received and measured as unreplayed bytes",
                () -> only().lagBytes().orElseThrow() > 0);
        assertTrue(lagging.toString().startsWith("db0/replica-0 (lagging, lag="), lagging.toString());

        pg.resumeReplay();
        Await.until("the replica usable again once replay resumes", () -> only().usable());
        pg.stopReplica();
        Await.until("the probe sees the stopped replica down", () -> only().skipReason().equals(Optional.of("down")));
        ReplicaStatus down = only();
        assertFalse(down.usable());
        assertTrue(down.lag().isPresent(), "the last measured lag is kept: " + down);
    }
}
