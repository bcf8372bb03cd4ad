package io.shardkit.cluster.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkit.cluster.ShardCluster;
import io.shardkit.cluster.ShardClusterBuilder;
import io.shardkit.cluster.config.ClusterConfig.TopologyConfig;
import io.shardkit.cluster.config.ShardConfigException;
import io.shardkit.cluster.config.ShardMap;
import io.shardkit.router.ShardId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.jooq.SQLDialect;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Instances that share one shard map through a store in a control database (H2 here; PostgreSQL in the move tests). */
class SharedTopologyTest {
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final List<ShardCluster> clusters = new ArrayList<>();

    @AfterEach
    void close() {
        clusters.forEach(ShardCluster::close);
    }

    private String url(String db) {
        return "jdbc:h2:mem:topo_" + run + "_" + db + ";DB_CLOSE_DELAY=-1";
    }

    /** An instance on db0..db2 plus the control database; {@code twoShardsOn} says where its own map puts s0 and s1. */
    private ShardCluster instance(String name, boolean refresh, String s0, String s1) {
        ShardClusterBuilder b = ShardCluster.builder();
        for (String db : List.of("control", "db0", "db1", "db2")) b.database(db, url(db), "sa", "");
        ShardCluster c = b.shard("s0", s0).shard("s1", s1).jump()
                .topology(new TopologyConfig("control", 50L, refresh, 1_000L, name)).build();
        clusters.add(c);
        return c;
    }

    private TopologyStore store() {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL(url("control"));
        ds.setUser("sa");
        return TopologyStore.open(ds, SQLDialect.H2);
    }

    @Test
    void theFirstInstancePublishesItsMapAndLaterOnesRunTheStores() {
        ShardCluster first = instance("a", true, "db0", "db1");
        assertEquals(1, first.topologyVersion());
        ShardCluster second = instance("b", true, "db2", "db0"); // its own file says otherwise: the store wins
        assertEquals(1, second.topologyVersion());
        assertEquals("db1", second.shard(ShardId.of("s1")).database());
        TopologyVersion v1 = store().latest().orElseThrow();
        assertEquals(List.of("db0", "db1"), v1.map().shards().stream().map(s -> s.database()).toList());
        assertTrue(v1.reason().startsWith("bootstrap from a"), v1.reason());
    }

    @Test
    void aNewVersionReachesEveryInstanceThatRefreshesAndNotAStaticOne() {
        ShardCluster a = instance("a", true, "db0", "db1");
        ShardCluster b = instance("b", true, "db0", "db1");
        ShardCluster stale = instance("stale", false, "db0", "db1");
        TopologyStore store = store();
        ShardMap moved = store.latest().orElseThrow().map().withPlacement("s1", "db2", null);
        assertEquals(2, store.publish(1, moved, "move s1 to db2").orElseThrow().version());

        await("a and b run version 2", () -> a.topologyVersion() == 2 && b.topologyVersion() == 2);
        assertEquals("db2", a.shard(ShardId.of("s1")).database());
        assertEquals("db2", b.shard(ShardId.of("s1")).database());
        await("both report it", () -> versions(store).equals(Map.of("a", 2L, "b", 2L, "stale", 1L)));
        assertEquals(1, stale.topologyVersion());
        assertEquals("db1", stale.shard(ShardId.of("s1")).database());
        stale.refreshTopology(); // an explicit refresh still works
        assertEquals(2, stale.topologyVersion());
    }

    @Test
    void publishingIsACompareAndSetOnTheVersion() {
        instance("a", true, "db0", "db1");
        TopologyStore store = store();
        ShardMap map = store.latest().orElseThrow().map();
        assertTrue(store.publish(1, map.withPlacement("s0", "db2", null), "first").isPresent());
        assertTrue(store.publish(1, map.withPlacement("s0", "db1", null), "second, from version 1").isEmpty());
        assertEquals(List.of(1L, 2L), store.history().stream().map(TopologyVersion::version).toList());
        assertEquals("db2", store.latest().orElseThrow().map().shard("s0").database());
    }

    @Test
    void aVersionAnInstanceCannotRunLeavesItOnTheLastOneItCould() {
        ShardCluster a = instance("a", true, "db0", "db1");
        TopologyStore store = store();
        ShardMap map = store.latest().orElseThrow().map();
        store.publish(1, map.withPlacement("s1", "db9", null), "a database this instance does not know");
        store.publish(2, map.withPlacement("s1", "db2", null), "fixed");
        await("a runs version 3", () -> a.topologyVersion() == 3);
        assertEquals("db2", a.shard(ShardId.of("s1")).database());
    }

    @Test
    void aBadTopologySectionIsRefusedAtStart() {
        ShardClusterBuilder b = ShardCluster.builder().database("db0", url("db0"), "sa", "").shard("s0", "db0").jump();
        ShardConfigException e = assertThrows(ShardConfigException.class,
                () -> b.topology(new TopologyConfig("nowhere", 5_000L, null, -1L, null)).build());
        String all = String.join("\n", e.problems());
        assertTrue(all.contains("topology.store: no database named 'nowhere'"), all);
        assertTrue(all.contains("topology.refreshIntervalMs: 5000"), all);
        assertTrue(all.contains("topology.pauseBudgetMs: -1"), all);
    }

    private static Map<String, Long> versions(TopologyStore store) {
        return store.instances().stream().collect(Collectors.toMap(InstanceVersion::instance, InstanceVersion::version));
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + 60_000_000_000L; // turns a hang into a failure; measures nothing
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("gave up waiting: " + what);
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }
}
