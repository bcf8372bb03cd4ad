package io.shardkit.query;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.select;
import static org.jooq.impl.DSL.table;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shardkit.cluster.ShardCluster;
import io.shardkit.cluster.config.ClusterConfig.DatabaseConfig;
import io.shardkit.cluster.config.ClusterConfig.PoolConfig;
import io.shardkit.query.QueryOutcome.Status;
import io.shardkit.router.ShardId;
import io.shardkit.test.EmbeddedShards;
import io.shardkit.test.Engine;
import io.shardkit.test.ReplicatedPostgres;
import io.shardkit.test.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jooq.Field;
import org.jooq.Record1;
import org.junit.jupiter.api.Test;

/**
 * A shard whose server hangs (SIGSTOP) answers neither its statement nor the cancel request a fan-out's deadline sends;
 * without a statement timeout nothing else would end the read its task is blocked in. A PARTIAL fan-out still returns
 * the other shards' rows: the hung task's connection is closed under it a second after the cancel.
 */
class HungShardFanOutTest {
    static final Field<Integer> V = field(name("v"), Integer.class);

    static DatabaseConfig config(TestDatabase db) {
        return new DatabaseConfig(db.jdbcUrl(), db.username(), db.password(), null, new PoolConfig(2, 2, 1_000L, null, null));
    }

    @Test
    void aPartialFanOutReturnsTheOtherShardsWhenOneServerHangs() throws Exception {
        try (ReplicatedPostgres hung = ReplicatedPostgres.start(1);
             EmbeddedShards healthy = EmbeddedShards.start(Engine.POSTGRES, 1);
             ShardCluster cluster = ShardCluster.builder().database("db0", config(hung.primaries().getFirst()))
                     .database("db1", config(healthy.database(0))).shard("s0", "db0").shard("s1", "db1").jump().build()) {
            for (String s : List.of("s0", "s1")) {
                cluster.dsl(ShardId.of(s)).execute("create table t (v int)");
                cluster.dsl(ShardId.of(s)).execute("insert into t values (" + (s.equals("s0") ? 0 : 1) + ")");
            }
            fetch(cluster); // the connections were used just now: the next fan-out sends its statement without a check
            hung.primary().freeze();
            try {
                CompletableFuture<FanOutResult<Record1<Integer>>> fetch = CompletableFuture.supplyAsync(() -> fetch(cluster));
                // deadline 1 s, cancel request up to 1 s, abort 1 s later: 20 s only turns a hang into a failure
                FanOutResult<Record1<Integer>> r = fetch.get(20, TimeUnit.SECONDS);
                assertEquals(Status.TIMED_OUT, r.outcomes().get(0).status(), r.outcomes().toString());
                assertEquals(Status.OK, r.outcomes().get(1).status());
                assertEquals(List.of(1), r.rows().stream().map(Record1::value1).toList());
            } finally {
                hung.primary().thaw();
            }
            assertEquals(List.of(0, 1), fetch(cluster).rows().stream().map(Record1::value1).sorted().toList(),
                    "the hung shard serves again once its server continues");
        }
    }

    static FanOutResult<Record1<Integer>> fetch(ShardCluster cluster) {
        return FanOut.on(cluster).select(select(V).from(table(name("t")))).onAllShards()
                .timeout(Duration.ofSeconds(1)).onFailure(FailurePolicy.PARTIAL).fetch();
    }
}
