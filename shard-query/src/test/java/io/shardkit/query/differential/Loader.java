package io.shardkit.query.differential;

import static io.shardkit.query.differential.OrdersData.COLUMNS;
import static io.shardkit.query.differential.OrdersData.ID;
import static io.shardkit.query.differential.OrdersData.LINE_COLUMNS;
import static io.shardkit.query.differential.OrdersData.LINE_NO;
import static io.shardkit.query.differential.OrdersData.LINE_ORDER_ID;
import static io.shardkit.query.differential.OrdersData.ORDERS;
import static io.shardkit.query.differential.OrdersData.ORDER_LINES;

import io.shardkit.cluster.Shard;
import io.shardkit.cluster.ShardCluster;
import io.shardkit.query.differential.OrdersData.Line;
import io.shardkit.query.differential.OrdersData.Order;
import io.shardkit.router.ShardId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.InsertValuesStepN;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.DSL;

/**
 * Writes the orders and their lines into a cluster the way an application would: each row through
 * {@code cluster.dsl(customerId)}, so it lands on the shard the router names — lines by the same key as their order,
 * which is what makes them colocated. A one-shard cluster is how the single reference database is loaded. Then checks
 * that every shard holds exactly the rows routed to it, so a query difference is never a loading one.
 *
 * <p>A shard with a schema (several logical shards on one database) gets its schema created first; the shard's
 * context renders unqualified table names into it, so {@code create table orders} lands in the schema.
 */
final class Loader {
    /** Rows per multi-row INSERT: large enough to be quick, small enough for any driver's bind limit. */
    private static final int BATCH = 400;

    private Loader() {
    }

    /** Creates the tables on every shard of the cluster and loads the data; returns the order count per shard. */
    static Map<ShardId, Integer> load(ShardCluster cluster, OrdersData data) {
        for (Shard shard : cluster.shards()) {
            shard.schema().ifPresent(schema -> shard.dsl().createSchemaIfNotExists(DSL.name(schema)).execute());
            shard.dsl().createTable(ORDERS).columns(COLUMNS).primaryKey(ID).execute();
            shard.dsl().createTable(ORDER_LINES).columns(LINE_COLUMNS).primaryKey(LINE_ORDER_ID, LINE_NO).execute();
        }
        Map<ShardId, Integer> counts = load(cluster, ORDERS, COLUMNS, data.orders(), Order::customerId, Order::values);
        load(cluster, ORDER_LINES, LINE_COLUMNS, data.lines(), Line::customerId, Line::values);
        return counts;
    }

    private static <T> Map<ShardId, Integer> load(ShardCluster cluster, Table<Record> table, List<Field<?>> columns,
                                                  List<T> rows, Function<T, Long> key, Function<T, Object[]> values) {
        Map<ShardId, List<T>> byShard = new LinkedHashMap<>();
        cluster.shards().forEach(s -> byShard.put(s.id(), new ArrayList<>()));
        for (T row : rows) {
            byShard.get(cluster.shardFor(key.apply(row))).add(row);
        }
        Map<ShardId, Integer> counts = new LinkedHashMap<>();
        byShard.forEach((shard, routed) -> {
            for (int from = 0; from < routed.size(); from += BATCH) {
                List<T> batch = routed.subList(from, Math.min(routed.size(), from + BATCH));
                // Every row of the batch has this shard's customers: route by the first, as the application would.
                DSLContext dsl = cluster.dsl(key.apply(batch.getFirst()));
                InsertValuesStepN<Record> insert = dsl.insertInto(table).columns(columns);
                batch.forEach(r -> insert.values(values.apply(r)));
                insert.execute();
            }
            int stored = cluster.dsl(shard).fetchCount(table);
            if (stored != routed.size()) {
                throw new IllegalStateException("[shard " + shard + "] holds " + stored + " rows of " + table.getName()
                        + " after loading, expected " + routed.size()
                        + " — the load or the routing is broken, no query result would mean anything");
            }
            counts.put(shard, stored);
        });
        return Map.copyOf(counts);
    }
}
