package io.shardkit.query;

import static org.jooq.impl.DSL.count;
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
import io.shardkit.test.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.jooq.Field;
import org.jooq.Record2;
import org.junit.jupiter.api.Test;

/**
 * A PARTIAL fan-out whose merge runs in a database finishes on a shard that answered: the first shard's database may
 * be the one that is down, and the shards that answered must not lose their rows to it.
 */
class PartialMergeTest {
    static final Field<String> STATUS = field(name("status"), String.class);

    static DatabaseConfig config(TestDatabase db) {
        return new DatabaseConfig(db.jdbcUrl(), db.username(), db.password(), null, new PoolConfig(1, 1, 250L, null, null));
    }

    @Test
    void aGroupedMergeRunsOnAShardThatAnsweredWhenTheFirstShardsDatabaseGivesNoConnection() throws Exception {
        try (EmbeddedShards dbs = EmbeddedShards.start(Engine.H2, 2);
             ShardCluster cluster = ShardCluster.builder().database("db0", config(dbs.database(0)))
                     .database("db1", config(dbs.database(1))).shard("s0", "db0").shard("s1", "db1").jump().build()) {
            for (ShardId s : List.of(ShardId.of("s0"), ShardId.of("s1"))) {
                cluster.dsl(s).execute("create table orders (status varchar(10))");
                cluster.dsl(s).execute("insert into orders values ('NEW'), ('NEW'), ('PAID')");
            }
            CountDownLatch holding = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            // The application holds s0's only connection: s0 cannot answer, and no merge can run on its database.
            long onS0 = 0;
            while (!cluster.shardFor(onS0).equals(ShardId.of("s0"))) onS0++;
            long key = onS0;
            Thread holder = Thread.ofVirtual().start(() -> cluster.inTransaction(key, tx -> {
                holding.countDown();
                release.await();
                return null;
            }));
            holding.await();
            try {
                FanOutResult<Record2<String, Integer>> r = FanOut.on(cluster)
                        .select(select(STATUS, count()).from(table(name("orders"))).groupBy(STATUS).orderBy(STATUS))
                        .onAllShards().timeout(Duration.ofSeconds(2)).onFailure(FailurePolicy.PARTIAL).fetch();
                assertEquals(Status.OK, r.outcomes().get(1).status());
                assertEquals(false, r.outcomes().get(0).ok(), r.outcomes().get(0).toString());
                assertEquals(List.of("NEW=2", "PAID=1"), r.rows().stream().map(x -> x.value1() + "=" + x.value2()).toList());
            } finally {
                release.countDown();
                holder.join();
            }
        }
    }
}
