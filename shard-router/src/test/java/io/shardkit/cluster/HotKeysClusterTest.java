package io.shardkit.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.table;

import io.shardkit.cluster.config.ShardConfigException;
import io.shardkit.cluster.config.ShardsYaml;
import io.shardkit.cluster.internal.ClusterPlan;
import io.shardkit.router.KeyHash;
import io.shardkit.router.ShardId;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.LongSupplier;
import org.jooq.DSLContext;
import org.jooq.impl.SQLDataType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Hot keys on a real 4-shard H2 cluster: the hot customer and its shard show, every keyed route counts once. */
class HotKeysClusterTest {
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private ShardCluster cluster;

    /** A repository that runs nothing: each call is one routed call. */
    public interface Customers {
        @ReadOnly
        DSLContext read(@ShardKey long customerId);

        DSLContext write(@ShardKey long customerId);
    }

    @AfterEach
    void close() {
        if (cluster != null) cluster.close();
    }

    private ShardClusterBuilder fourShards() {
        ShardClusterBuilder b = ShardCluster.builder().modulo(KeyHash.MURMUR3);
        for (int i = 0; i < 4; i++) {
            b.database("db" + i, "jdbc:h2:mem:hot_" + run + "_" + i + ";DB_CLOSE_DELAY=-1", "sa", "").shard("s" + i, "db" + i);
        }
        return b;
    }

    @Test
    void offByDefault() {
        cluster = fourShards().build();
        cluster.dsl(1L);
        cluster.dsl((Object) "not-a-long-but-modulo-takes-it");
        HotKeys seen = cluster.hotKeys();
        assertFalse(seen.enabled());
        assertEquals(List.of(), seen.top());
        assertEquals(List.of(), seen.shards());
        assertEquals(0, seen.sampledCalls());
    }

    @Test
    void oneCustomerRoutedTenThousandTimesAmongAThousandShowsFirstWithItsShard() {
        cluster = fourShards().hotKeys(HotKeys.Settings.DEFAULTS).build(); // 1 call in 16 sampled
        Customers customers = cluster.repository(Customers.class, dsl -> new Customers() {
            public DSLContext read(long customerId) {
                return dsl;
            }

            public DSLContext write(long customerId) {
                return dsl;
            }
        });
        long hot = 4242;
        for (int round = 0; round < 5; round++) {
            for (long other = 100_000; other < 101_000; other++) {
                if (other % 2 == 0) cluster.dsl(other);
                else customers.read(other);
            }
            for (int i = 0; i < 2_000; i++) {
                if (i % 2 == 0) cluster.dsl(hot);
                else customers.write(hot);
            }
        }
        HotKeys seen = cluster.hotKeys();
        assertTrue(seen.enabled());
        HotKeys.Key first = seen.top().get(0);
        assertEquals("4242", first.key());
        assertEquals(cluster.shardFor(hot), first.shard());
        // It entered after ~62 sampled others, perhaps into a full sketch (64) whose smallest count was 1; once in,
        // it is never evicted, so its count is exact from then on.
        assertTrue(first.errorBound() <= 1, "error bound " + first.errorBound());
        assertEquals(10_000, first.estimatedCalls(), 1_500); // 625 expected samples, sd 24
        assertEquals(10_000.0 / 15_000, first.share(), 0.05);

        assertEquals(15_000, seen.shards().stream().mapToLong(HotKeys.ShardCalls::routedCalls).sum(), "every call counted");
        HotKeys.ShardCalls busiest = seen.shards().stream()
                .max(java.util.Comparator.comparingLong(HotKeys.ShardCalls::windowCalls)).orElseThrow();
        assertEquals(cluster.shardFor(hot), busiest.shard());
        assertTrue(busiest.routedCalls() >= 10_000, busiest.toString());
        // s_hot ≈ 10,000 + 1,250 of 15,000: max/mean ≈ 3.0
        assertTrue(seen.imbalance() > 1.5 && seen.imbalance() <= 4.0, "imbalance " + seen.imbalance());
        assertEquals(List.of("s0", "s1", "s2", "s3"), seen.shards().stream().map(s -> s.shard().value()).toList());
    }

    /** The imbalance as a gauge; each shard's routed calls as a counter only with the shard tag asked for. */
    @Test
    void hotShardsAreMetersWhenTracked() {
        var registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        cluster = fourShards().hotKeys(HotKeys.Settings.DEFAULTS.withSampleEvery(1)).meterRegistry(registry).shardTag(true).build();
        for (int i = 0; i < 300; i++) cluster.dsl(7L);
        for (long k = 0; k < 100; k++) cluster.dsl(k);
        HotKeys seen = cluster.hotKeys();
        assertEquals(seen.imbalance(), registry.get("shardkit.shard.imbalance").tag("cluster", "shardkit").gauge().value(), 1e-9);
        assertTrue(seen.imbalance() > 1.5, "one key made one shard hot: " + seen);
        String hot = cluster.shardFor(7L).value();
        long hotCalls = seen.shards().stream().filter(c -> c.shard().value().equals(hot)).findFirst().orElseThrow().routedCalls();
        assertEquals(hotCalls, registry.get("shardkit.shard.routed").tag("shard", hot).functionCounter().count(), 1e-9);
        assertEquals(400, registry.get("shardkit.shard.routed").functionCounters().stream()
                .mapToDouble(io.micrometer.core.instrument.FunctionCounter::count).sum(), 1e-9);
        cluster.close();

        var untagged = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        cluster = fourShards().hotKeys(HotKeys.Settings.DEFAULTS).meterRegistry(untagged).build();
        assertEquals(1, untagged.find("shardkit.shard.imbalance").gauges().size());
        assertTrue(untagged.find("shardkit.shard.routed").meters().isEmpty(), "no shard tag unless asked");
        cluster.close();
        cluster = fourShards().meterRegistry(new io.micrometer.core.instrument.simple.SimpleMeterRegistry()).build();
        assertTrue(((io.micrometer.core.instrument.MeterRegistry) cluster.meterRegistry().orElseThrow())
                .find("shardkit.shard.imbalance").meters().isEmpty(), "not tracked: no gauge");
    }

    @Test
    void everyKeyedRouteCountsOnceAndALookUpDoesNot() {
        cluster = fourShards().hotKeys(HotKeys.Settings.DEFAULTS.withSampleEvery(1)).build();
        ShardId s = cluster.shardFor(7L);
        cluster.shard(s).dsl().createTable(table(name("t"))).column(field(name("v"), SQLDataType.BIGINT)).execute();
        Customers customers = cluster.repository(Customers.class, dsl -> new Customers() {
            public DSLContext read(long customerId) {
                return dsl;
            }

            public DSLContext write(long customerId) {
                return dsl;
            }
        });
        LongSupplier calls = () -> cluster.hotKeys().top().stream().filter(k -> k.key().equals("7"))
                .mapToLong(HotKeys.Key::sampledCount).sum();
        cluster.shardFor(7L);
        cluster.shardFor((Object) 7L);
        cluster.dsl(s);
        assertEquals(0, calls.getAsLong(), "look-ups and dsl(shardId) are not routed calls");

        cluster.dsl(7L);
        cluster.dsl((Object) 7); // an int key is the long it routes as
        cluster.readDsl(7L);
        cluster.readDsl(7L, ConsistencyToken.NONE, Duration.ZERO);
        customers.read(7L);
        customers.write(7L);
        assertEquals(6, calls.getAsLong());

        cluster.inTransaction(7L, tx -> {
            for (int i = 0; i < 3; i++) tx.dsl().insertInto(table(name("t"))).values((long) i).execute();
            return tx.repository(Customers.class).write(7L);
        });
        assertEquals(7, calls.getAsLong(), "a transaction is one routed call, whatever it runs");

        ShardSession session = cluster.session();
        session.dsl(7L);
        session.readDsl(7L);
        session.inTransaction(7L, tx -> tx.dsl().selectOne().fetch());
        session.repository(Customers.class).read(7L);
        assertEquals(11, calls.getAsLong());
        assertEquals(11, cluster.hotKeys().shards().stream().filter(c -> c.shard().equals(s)).findFirst().orElseThrow()
                .routedCalls());
        assertEquals(s, cluster.hotKeys().top().get(0).shard());
    }

    @Test
    void shardsYmlTurnsItOnAndItsProblemsNameTheSetting() {
        String yaml = """
                databases:
                  db0: { url: "jdbc:h2:mem:hot_yaml_%s" }
                shards: [ { id: s0, database: db0 } ]
                strategy: { type: jump }
                hotKeys: { enabled: true, capacity: 8, sampleEvery: 1, windowMs: 20000, bucketMs: 5000 }
                """.formatted(run);
        ClusterPlan plan = ClusterPlan.compile(ShardsYaml.parse(yaml, n -> null));
        assertEquals(new HotKeys.Settings(true, 8, 1, Duration.ofSeconds(20), Duration.ofSeconds(5)), plan.hotKeys());
        cluster = ShardCluster.create(ShardsYaml.parse(yaml, n -> null));
        cluster.dsl(99L);
        assertEquals("99", cluster.hotKeys().top().get(0).key());

        String bad = yaml.replace("capacity: 8, sampleEvery: 1, windowMs: 20000", "capacity: 0, sampleEvery: 0, windowMs: 12000");
        ShardConfigException e = assertThrows(ShardConfigException.class,
                () -> ClusterPlan.compile(ShardsYaml.parse(bad, n -> null)));
        assertEquals(List.of("hotKeys.capacity: 0 — use 1 to 65536 (default 64)",
                "hotKeys.sampleEvery: 0 — use 1 (every call) or more (default 16)",
                "hotKeys.windowMs: 12000 — use 1 to 1000 whole buckets of bucketMs (5000); default 60000 in buckets of 10000"),
                e.problems());
        assertEquals(HotKeys.Settings.OFF, ClusterPlan.compile(ShardsYaml.parse(yaml.replace(
                "hotKeys: { enabled: true, capacity: 8, sampleEvery: 1, windowMs: 20000, bucketMs: 5000 }", ""),
                n -> null)).hotKeys());
    }
}
