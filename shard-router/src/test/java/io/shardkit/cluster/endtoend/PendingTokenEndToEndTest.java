package io.shardkit.cluster.endtoend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.shardkit.cluster.ConsistencyToken;
import io.shardkit.cluster.ShardCluster;
import io.shardkit.cluster.ShardSession;
import io.shardkit.cluster.config.ClusterConfig;
import io.shardkit.cluster.config.ClusterConfig.DatabaseConfig;
import io.shardkit.cluster.config.ClusterConfig.PoolConfig;
import io.shardkit.cluster.config.ClusterConfig.ReadsConfig;
import io.shardkit.cluster.config.ClusterConfig.ReplicaConfig;
import io.shardkit.cluster.config.ClusterConfig.ShardConfig;
import io.shardkit.cluster.config.ClusterConfig.StrategyConfig;
import io.shardkit.test.ReplicatedPostgres;
import io.shardkit.test.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * A write whose primary does not answer when its position is read (found by the fault suite: a primary that hung
 * right after an acknowledged insert) is not forgotten by the token: the shard is {@code pending} in it, and the next
 * request reads it where the write is, never on a replica that lacks it.
 */
class PendingTokenEndToEndTest {
    final long key = 1;

    @Test
    void aWriteWhosePositionCannotBeReadLeavesATokenThatNeverReadsAReplicaWithoutIt() throws Exception {
        try (ReplicatedPostgres pg = ReplicatedPostgres.start(1)) {
            TestDatabase p = pg.primaries().getFirst();
            TestDatabase r = pg.replicas().getFirst();
            DatabaseConfig db = new DatabaseConfig(p.jdbcUrl(), p.username(), p.password(), null,
                    new PoolConfig(1, 1, 250L, null, null), List.of(new ReplicaConfig(r.jdbcUrl(), r.username(), r.password(), null)));
            ClusterConfig config = new ClusterConfig(Map.of("db0", db), List.of(new ShardConfig("s0", "db0", null, null)),
                    new StrategyConfig("jump", null, null, null), "long", Map.of(), new ReadsConfig(60_000L, 50L, 1_000L, 0L));
            try (ShardCluster cluster = ShardCluster.create(config)) {
                cluster.dsl(key).execute("create table t (v int)");
                pg.awaitReplayCaughtUp(Duration.ofSeconds(30));
                Await.until("the replica serving reads", () -> cluster.readDsl(key) != cluster.dsl(key));
                pg.pauseReplay(); // the replica will not have the write

                ShardSession session = cluster.session();
                session.dsl(key).execute("insert into t values (1)"); // acknowledged
                ConsistencyToken token = tokenWhileThePoolIsHeld(cluster, session);
                assertEquals("s0@pending", token.toString());

                ConsistencyToken passedOn = ConsistencyToken.parse(token.toString());
                assertSame(cluster.dsl(key), cluster.readDsl(key, passedOn, Duration.ZERO), "the token alone: the primary");
                ShardSession next = cluster.session(passedOn);
                assertSame(cluster.dsl(key), next.readDsl(key), "the next request: not the replica without the write");
                assertEquals(1L, next.readDsl(key).fetchValue("select count(*) from t", Long.class));

                pg.resumeReplay();
                Await.until("a replica with the write used again", () -> cluster.session(passedOn).readDsl(key) != cluster.dsl(key));
                ShardSession later = cluster.session(passedOn);
                assertNotSame(cluster.dsl(key), later.readDsl(key));
                assertEquals(1L, later.readDsl(key).fetchValue("select count(*) from t", Long.class), "the replica has the write");
            }
        }
    }

    /** The session's token taken while the application holds the pool's only connection: the position cannot be read. */
    static ConsistencyToken tokenWhileThePoolIsHeld(ShardCluster cluster, ShardSession session) throws Exception {
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = Thread.ofVirtual().start(() -> cluster.inTransaction(1L, tx -> {
            holding.countDown();
            release.await();
            return null;
        }));
        holding.await();
        try {
            return session.token();
        } finally {
            release.countDown();
            holder.join();
        }
    }
}
