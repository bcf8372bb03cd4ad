package io.shardkit.bench;

import io.shardkit.test.TestDatabase;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;

/**
 * {@code shardkit-repository}: the same cluster as {@code shardkit-dsl}, queried through
 * {@code cluster.repository(OrderRepository.class, …)}: the proxy reads the {@code @ShardKey} argument, routes it and
 * calls the instance bound to that shard.
 */
final class ShardkitRepositoryPointQueries implements PointQueries {
    private final ShardkitDslPointQueries cluster;
    private final OrderRepository orders;

    ShardkitRepositoryPointQueries(List<TestDatabase> databases, SQLDialect dialect) {
        cluster = new ShardkitDslPointQueries(databases, dialect);
        orders = cluster.cluster().repository(OrderRepository.class, JooqOrderRepository::new);
    }

    /** The implementation a service would write: plain jOOQ on the shard's context it is given. */
    private record JooqOrderRepository(DSLContext dsl) implements OrderRepository {
        @Override
        public Order find(long customerId) {
            return OrdersTable.find(dsl, customerId);
        }

        @Override
        public void insert(long id, long customerId) {
            OrdersTable.insert(dsl, id, customerId);
        }
    }

    @Override
    public void createTable() {
        cluster.createTable();
    }

    @Override
    public Order find(long customerId) {
        return orders.find(customerId);
    }

    @Override
    public void insert(long id, long customerId) {
        orders.insert(id, customerId);
    }

    @Override
    public int deleteFrom(long firstId) {
        return cluster.deleteFrom(firstId);
    }

    @Override
    public void close() {
        cluster.close();
    }
}
