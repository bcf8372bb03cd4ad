package io.shardkit.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.shardkit.cluster.ShardCluster;
import io.shardkit.cluster.ShardClusterBuilder;
import io.shardkit.router.ShardId;
import io.shardkit.test.EmbeddedShards;
import io.shardkit.test.Engine;
import io.shardkit.test.TestDatabase;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The migration meters' names and tags are API: pinned on three H2 shards, one left behind to show drift. */
class MigrationMetersTest {

    @Test
    void eachShardIsTimedAndTheFleetsStatesAndVersionsAreGauged() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (EmbeddedShards dbs = EmbeddedShards.start(Engine.H2, 3); ShardCluster cluster = cluster(dbs, registry)) {
            ShardMigrator.configure().cluster(cluster).locations("classpath:fleet/base")
                    .only(List.of(ShardId.of("s0"), ShardId.of("s1"))).load().migrate().orThrow();
            Timer migrated = registry.get("shardkit.migration").tags("cluster", "fleet", "command", "migrate", "outcome",
                    "ok").timer();
            assertEquals(2, migrated.count());
            assertEquals(List.of("cluster", "command", "outcome"),
                    migrated.getId().getTags().stream().map(t -> t.getKey()).sorted().toList());
            assertEquals(TimeUnit.SECONDS, migrated.baseTimeUnit());
            assertEquals(Map.of("failed", 0.0, "invalid", 0.0, "ok", 2.0, "pending", 0.0, "skipped", 0.0), states(registry));
            assertEquals(1.0, registry.get("shardkit.schema.versions").tags("cluster", "fleet").gauge().value());

            // the whole fleet: s2 has no history yet, so two versions (drift) and one shard pending
            ShardMigrator.configure().cluster(cluster).locations("classpath:fleet/base").load().info();
            assertEquals(Map.of("failed", 0.0, "invalid", 0.0, "ok", 2.0, "pending", 1.0, "skipped", 0.0), states(registry));
            assertEquals(2.0, registry.get("shardkit.schema.versions").gauge().value());
            assertEquals(3, registry.get("shardkit.migration").tags("command", "info").timers().stream()
                    .mapToLong(Timer::count).sum());
            assertEquals(2, migrated.count());
        }
    }

    private static Map<String, Double> states(SimpleMeterRegistry registry) {
        Map<String, Double> byState = new TreeMap<>();
        registry.get("shardkit.migration.shards").tag("cluster", "fleet").gauges()
                .forEach(g -> byState.put(g.getId().getTag("state"), g.value()));
        return byState;
    }

    private static ShardCluster cluster(EmbeddedShards databases, SimpleMeterRegistry registry) {
        ShardClusterBuilder b = ShardCluster.builder().name("fleet").meterRegistry(registry);
        List<TestDatabase> dbs = databases.databases();
        for (int i = 0; i < dbs.size(); i++) {
            b.database("db" + i, dbs.get(i).jdbcUrl(), dbs.get(i).username(), dbs.get(i).password()).shard("s" + i, "db" + i);
        }
        return b.jump().build();
    }
}
