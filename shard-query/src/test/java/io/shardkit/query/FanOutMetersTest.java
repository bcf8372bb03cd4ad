package io.shardkit.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.jooq.impl.DSL.count;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.select;
import static org.jooq.impl.DSL.table;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.shardkit.cluster.Shard;
import io.shardkit.cluster.ShardCluster;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.jooq.impl.SQLDataType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fan-out meters' names, tags and units are API: pinned on three H2 shards over two databases. */
class FanOutMetersTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private ShardCluster cluster;

    @BeforeEach
    void start() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        cluster = ShardCluster.builder().name("reports").meterRegistry(registry)
                .database("db0", "jdbc:h2:mem:fo_" + run + "_0", "sa", "")
                .database("db1", "jdbc:h2:mem:fo_" + run + "_1", "sa", "")
                .shard("s0", "db0").shard("s1", "db1", "a").shard("s2", "db1", "b").jump().build();
        for (Shard s : cluster.shards()) {
            s.schema().ifPresent(schema -> s.dsl().execute("create schema " + schema));
            s.dsl().createTable(table(name("t"))).column(field(name("id"), SQLDataType.BIGINT)).execute();
            s.dsl().insertInto(table(name("t"))).values(1L).execute();
        }
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    @Test
    void aFanOutIsTimedWithItsPolicyAndOutcomeAndEachLegByDatabase() {
        var r = FanOut.on(cluster).select(select(count()).from(table(name("t")))).fetch();
        assertEquals(3, r.rows().getFirst().value1());
        Timer fanOut = registry.get("shardkit.fanout").tags("cluster", "reports", "policy", "fail_fast", "outcome",
                "success").timer();
        assertEquals(1, fanOut.count());
        assertEquals(List.of("cluster", "outcome", "policy"), tagKeys(fanOut));
        DistributionSummary shards = registry.get("shardkit.fanout.shards").tags("cluster", "reports").summary();
        assertEquals(1, shards.count());
        assertEquals(3.0, shards.totalAmount());
        assertEquals("shards", shards.getId().getBaseUnit());
        assertEquals(1, registry.get("shardkit.fanout.leg").tags("cluster", "reports", "database", "db0", "outcome",
                "success").timer().count());
        Timer db1 = registry.get("shardkit.fanout.leg").tags("database", "db1", "outcome", "success").timer();
        assertEquals(2, db1.count());
        assertEquals(List.of("cluster", "database", "outcome"), tagKeys(db1));

        FanOut.on(cluster).forEachShard(Duration.ofSeconds(5), dsl -> dsl.fetchCount(table(name("t"))));
        assertEquals(2, fanOut.count());
        assertEquals(6.0, shards.totalAmount());
        assertEquals(4, db1.count());
    }

    @Test
    void aShardThatFailsMakesThePartialOrFailedOutcome() {
        cluster.shards().get(1).dsl().dropTable(table(name("t"))).execute();
        FanOutResult<?> partial = FanOut.on(cluster).select(select(field(name("id"))).from(table(name("t"))))
                .onFailure(FailurePolicy.PARTIAL).fetch();
        assertEquals(2, partial.rows().size());
        assertEquals(1, registry.get("shardkit.fanout").tags("policy", "partial", "outcome", "partial").timer().count());
        assertEquals(1, registry.get("shardkit.fanout.leg").tags("database", "db1", "outcome", "error").timer().count());

        assertThrows(FanOutException.class, () -> FanOut.on(cluster).forEachShard(Duration.ofSeconds(5),
                dsl -> dsl.fetchCount(table(name("t")))));
        assertEquals(1, registry.get("shardkit.fanout").tags("policy", "fail_fast", "outcome", "error").timer().count());
    }

    private static List<String> tagKeys(Meter m) {
        return m.getId().getTags().stream().map(t -> t.getKey()).sorted().toList();
    }
}
