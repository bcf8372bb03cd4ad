package io.shardkit.cluster.endtoend;

import static org.junit.jupiter.api.Assertions.assertSame;

import io.shardkit.cluster.ShardCluster;
import io.shardkit.cluster.config.ClusterConfig;
import io.shardkit.cluster.config.ClusterConfig.DatabaseConfig;
import io.shardkit.cluster.config.ClusterConfig.ReadsConfig;
import io.shardkit.cluster.config.ClusterConfig.ReplicaConfig;
import io.shardkit.cluster.config.ClusterConfig.ShardConfig;
import io.shardkit.cluster.config.ClusterConfig.StrategyConfig;
import io.shardkit.test.ReplicatedPostgres;
import io.shardkit.test.TestDatabase;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;

/**
 * A hung replica costs the other replicas nothing: each is probed on its own, so the other's lag is still measured,
 * and a replica whose probes stop coming back is not used either — its lag is no longer known.
 */
class ReplicaIsolationEndToEndTest {
    final long key = 1;

    @Test
    void aHungReplicaNeitherStopsTheOtherReplicasProbeNorKeepsGettingReads() throws Exception {
        try (ReplicatedPostgres pg = ReplicatedPostgres.start(1, 2)) {
            TestDatabase p = pg.primaries().getFirst();
            // No statement timeout: nothing but the probe's own bound ends a probe of the hung replica.
            DatabaseConfig db = new DatabaseConfig(p.jdbcUrl(), p.username(), p.password(), null, null,
                    List.of(replica(pg.replica(0).databases().getFirst()), replica(pg.replica(1).databases().getFirst())));
            ClusterConfig config = new ClusterConfig(Map.of("db0", db), List.of(new ShardConfig("s0", "db0", null, null)),
                    new StrategyConfig("jump", null, null, null), "long", Map.of(), new ReadsConfig(500L, 100L, 60_000L, 0L));
            try (ShardCluster cluster = ShardCluster.create(config)) {
                cluster.dsl(key).execute("create table t (v int)");
                pg.awaitReplayCaughtUp(Duration.ofSeconds(30));
                Set<DSLContext> seen = new HashSet<>();
                Await.until("both replicas serving reads", () -> {
                    DSLContext read = cluster.readDsl(key);
                    if (read != cluster.dsl(key)) seen.add(read);
                    return seen.size() == 2;
                });

                pg.replica(0).freeze();  // hung: its next probe never comes back
                pg.replica(1).pauseReplay();
                try {
                    cluster.dsl(key).execute("insert into t values (1)"); // replica 1 now falls behind, past 500 ms
                    // Only the probes can tell: replica 0 looks healthy until its result is too old, replica 1 until a
                    // probe measures its lag — which a prober stuck on replica 0 would never do.
                    Await.until("reads on the primary", () -> cluster.readDsl(key) == cluster.dsl(key));
                    for (int i = 0; i < 20; i++) {
                        assertSame(cluster.dsl(key), cluster.readDsl(key), "neither the hung nor the lagging replica is used");
                        Thread.sleep(20);
                    }
                } finally {
                    pg.replica(0).thaw();
                    pg.replica(1).resumeReplay();
                }
            }
        }
    }

    static ReplicaConfig replica(TestDatabase r) {
        return new ReplicaConfig(r.jdbcUrl(), r.username(), r.password(), null);
    }
}
