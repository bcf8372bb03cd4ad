package io.shardkit.bench;

import com.zaxxer.hikari.HikariDataSource;
import io.shardkit.router.KeyHash;
import io.shardkit.test.TestDatabase;
import java.util.List;
import org.jooq.Configuration;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * {@code raw-jooq}, the floor: one pool and one {@link DSLContext} per database, the shard picked by hand with the
 * function Shardkit's modulo strategy uses. No Shardkit code on the path but {@link KeyHash}.
 */
final class RawJooqPointQueries implements PointQueries {
    private final HikariDataSource[] pools;
    private final DSLContext[] shards;

    RawJooqPointQueries(List<TestDatabase> databases, SQLDialect dialect) {
        pools = new HikariDataSource[databases.size()];
        shards = new DSLContext[databases.size()];
        Configuration base = OrdersTable.configuration().derive(dialect);
        try {
            for (int i = 0; i < pools.length; i++) {
                pools[i] = PoolSettings.open("raw-" + i, databases.get(i));
                shards[i] = DSL.using(base.derive(pools[i]));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Shardkit's {@code modulo(murmur3)}: the unsigned token mod the shard count, shards in declaration order. */
    static int shardIndex(long key, int shardCount) {
        return (int) Long.remainderUnsigned(KeyHash.MURMUR3.hashLong(key), shardCount);
    }

    @Override
    public void createTable() {
        for (DSLContext dsl : shards) {
            OrdersTable.createTable(dsl);
        }
    }

    @Override
    public Order find(long customerId) {
        return OrdersTable.find(shards[shardIndex(customerId, shards.length)], customerId);
    }

    @Override
    public void insert(long id, long customerId) {
        OrdersTable.insert(shards[shardIndex(customerId, shards.length)], id, customerId);
    }

    @Override
    public int deleteFrom(long firstId) {
        int deleted = 0;
        for (DSLContext dsl : shards) {
            deleted += OrdersTable.deleteFrom(dsl, firstId);
        }
        return deleted;
    }

    @Override
    public void close() {
        for (HikariDataSource pool : pools) {
            if (pool != null) pool.close();
        }
    }
}
