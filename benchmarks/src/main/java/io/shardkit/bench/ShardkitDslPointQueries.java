package io.shardkit.bench;

import io.shardkit.cluster.Shard;
import io.shardkit.cluster.ShardCluster;
import io.shardkit.cluster.ShardClusterBuilder;
import io.shardkit.router.KeyHash;
import io.shardkit.test.TestDatabase;
import java.util.List;
import org.jooq.SQLDialect;

/** {@code shardkit-dsl}: a {@link ShardCluster} with {@code modulo(murmur3)}, queried through {@code cluster.dsl(key)}. */
final class ShardkitDslPointQueries implements PointQueries {
    private final ShardCluster cluster;

    ShardkitDslPointQueries(List<TestDatabase> databases, SQLDialect dialect) {
        ShardClusterBuilder b = ShardCluster.builder().modulo(KeyHash.MURMUR3).jooqConfiguration(OrdersTable.configuration());
        for (int i = 0; i < databases.size(); i++) {
            b.database("db" + i, PoolSettings.shardkit(databases.get(i))).shard("s" + i, "db" + i);
        }
        cluster = b.build();
        for (Shard shard : cluster.shards()) {
            if (shard.dialect() != dialect) {
                cluster.close();
                throw new IllegalStateException(shard + ": dialect " + shard.dialect() + ", expected " + dialect
                        + " — the systems would not send the same SQL");
            }
        }
    }

    ShardCluster cluster() {
        return cluster;
    }

    @Override
    public void createTable() {
        for (Shard shard : cluster.shards()) {
            OrdersTable.createTable(shard.dsl());
        }
    }

    @Override
    public Order find(long customerId) {
        return OrdersTable.find(cluster.dsl(customerId), customerId);
    }

    @Override
    public void insert(long id, long customerId) {
        OrdersTable.insert(cluster.dsl(customerId), id, customerId);
    }

    @Override
    public int deleteFrom(long firstId) {
        int deleted = 0;
        for (Shard shard : cluster.shards()) {
            deleted += OrdersTable.deleteFrom(shard.dsl(), firstId);
        }
        return deleted;
    }

    @Override
    public void close() {
        cluster.close();
    }
}
