package io.shardkit.query;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.select;
import static org.jooq.impl.DSL.table;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shardkit.cluster.ShardCluster;
import io.shardkit.cluster.ShardClusterBuilder;
import io.shardkit.cluster.config.ClusterConfig.RangeConfig;
import io.shardkit.router.ShardId;
import io.shardkit.router.ShardKeyType;
import io.shardkit.test.EmbeddedShards;
import io.shardkit.test.Engine;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.jooq.Field;
import org.jooq.Record1;
import org.jooq.Select;
import org.jooq.impl.SQLDataType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link FanOutQuery#forRange} on 3 H2 shards: a strategy that keeps keys in order runs the query only on the shards
 * the key range can reach (and on pinned shards); a hashing strategy runs it on every shard.
 */
class ForRangeTest {
    static final Field<Long> ID = field(name("id"), SQLDataType.BIGINT);
    static final Select<Record1<Long>> QUERY = select(ID).from(table(name("items")));
    /** s0 below 100, s1 from 100 to 200, s2 from 200 on. */
    static final List<RangeConfig> RANGES = List.of(new RangeConfig("s0", "unbounded", "100"),
            new RangeConfig("s1", "100", "200"), new RangeConfig("s2", "200", "unbounded"));

    static EmbeddedShards dbs;

    @BeforeAll
    static void start() {
        dbs = EmbeddedShards.start(Engine.H2, 3);
        try (ShardCluster cluster = cluster(b -> b.jump())) {
            cluster.shards().forEach(s -> s.dsl().createTable(table(name("items"))).column(ID).execute());
        }
    }

    @AfterAll
    static void stop() {
        dbs.close();
    }

    static ShardCluster cluster(UnaryOperator<ShardClusterBuilder> strategy) {
        ShardClusterBuilder b = ShardCluster.builder();
        for (int i = 0; i < 3; i++) {
            b.database("db" + i, dbs.database(i).jdbcUrl(), dbs.database(i).username(), dbs.database(i).password())
                    .shard("s" + i, "db" + i);
        }
        return strategy.apply(b).build();
    }

    /** The shards the fan-out ran on. */
    static Set<String> visited(ShardCluster cluster, Object from, Object to) {
        return FanOut.on(cluster).select(QUERY).forRange(from, to).fetch().orThrow().outcomes().stream()
                .map(QueryOutcome::shard).map(ShardId::value).collect(Collectors.toSet());
    }

    @Test
    void rangesVisitOnlyTheShardsThatCanHoldTheKeys() {
        try (ShardCluster cluster = cluster(b -> b.ranges(ShardKeyType.LONG, RANGES))) {
            assertEquals(Set.of("s1"), visited(cluster, 120L, 150L));
            assertEquals(Set.of("s0", "s1"), visited(cluster, 50L, 100L));
            assertEquals(Set.of("s1", "s2"), visited(cluster, 199, 200)); // int bounds, both inclusive
        }
    }

    @Test
    void aPinnedShardIsVisitedWhateverTheRange() {
        try (ShardCluster cluster = cluster(b -> b.ranges(ShardKeyType.LONG, RANGES).pin(150L, "s2"))) {
            assertEquals(Set.of("s1", "s2"), visited(cluster, 120L, 130L));
        }
    }

    @Test
    void aHashingStrategyVisitsEveryShard() {
        try (ShardCluster cluster = cluster(b -> b.jump())) {
            assertEquals(Set.of("s0", "s1", "s2"), visited(cluster, 120L, 150L));
        }
    }
}
