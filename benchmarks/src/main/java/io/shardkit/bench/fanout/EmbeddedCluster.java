package io.shardkit.bench.fanout;

import io.shardkit.cluster.ShardCluster;
import io.shardkit.cluster.ShardClusterBuilder;
import io.shardkit.cluster.config.ClusterConfig.DatabaseConfig;
import io.shardkit.cluster.config.ClusterConfig.PoolConfig;
import io.shardkit.test.EmbeddedShards;
import io.shardkit.test.Engine;
import io.shardkit.test.TestDatabase;
import java.util.List;
import org.jooq.Configuration;

/**
 * {@code n} fresh databases on the JVM's embedded PostgreSQL server and a Shardkit cluster over them: shard
 * {@code s<i>} on database {@code db<i>}, placed by jump hash, each database's pool holding {@code poolSize}
 * connections from the start (so no benchmark pays for opening one).
 */
final class EmbeddedCluster implements AutoCloseable {
    final EmbeddedShards databases;
    final ShardCluster cluster;

    private EmbeddedCluster(EmbeddedShards databases, ShardCluster cluster) {
        this.databases = databases;
        this.cluster = cluster;
    }

    static EmbeddedCluster start(int shards, int poolSize) {
        EmbeddedShards dbs = EmbeddedShards.start(Engine.POSTGRES, shards);
        try {
            return new EmbeddedCluster(dbs, clusterOver(dbs.databases(), poolSize, ShardCluster.defaultJooqConfiguration()));
        } catch (RuntimeException e) {
            dbs.close();
            throw e;
        }
    }

    /** Another cluster over the same databases and placement, e.g. with a listener that only set-up code should pay for. */
    static ShardCluster clusterOver(List<TestDatabase> databases, int poolSize, Configuration jooq) {
        PoolConfig pool = new PoolConfig(poolSize, poolSize, null, null, null);
        ShardClusterBuilder b = ShardCluster.builder().jooqConfiguration(jooq);
        for (int i = 0; i < databases.size(); i++) {
            TestDatabase db = databases.get(i);
            b.database("db" + i, new DatabaseConfig(db.jdbcUrl(), db.username(), db.password(), null, pool))
                    .shard("s" + i, "db" + i);
        }
        return b.jump().build();
    }

    /** The databases in shard order: {@code databases().get(i)} holds shard {@code s<i>}. */
    List<TestDatabase> databases() {
        return databases.databases();
    }

    @Override
    public void close() {
        cluster.close();
        databases.close();
    }
}
