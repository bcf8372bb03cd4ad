package io.shardkit.query.differential;

import static io.shardkit.query.differential.OrdersData.COLUMNS;
import static io.shardkit.query.differential.OrdersData.ID;
import static io.shardkit.query.differential.OrdersData.ORDERS;

import io.shardkit.query.differential.OrdersData.Order;
import io.shardkit.router.Shard;
import io.shardkit.router.ShardCluster;
import io.shardkit.router.ShardId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.jooq.InsertValuesStepN;
import org.jooq.Record;

/**
 * Writes the orders into a cluster the way an application would: each order through {@code cluster.dsl(customerId)},
 * so it lands on the shard the router names. A one-shard cluster is how the single reference database is loaded.
 * Then checks that every shard holds exactly the orders routed to it, so a query difference is never a loading one.
 */
final class Loader {
    /** Rows per multi-row INSERT: large enough to be quick, small enough for any driver's bind limit. */
    private static final int BATCH = 400;

    private Loader() {
    }

    /** Creates {@code orders} on every shard of the cluster and loads the orders; returns the row count per shard. */
    static Map<ShardId, Integer> load(ShardCluster cluster, List<Order> orders) {
        for (Shard shard : cluster.shards()) {
            shard.dsl().createTable(ORDERS).columns(COLUMNS).primaryKey(ID).execute();
        }
        Map<ShardId, List<Order>> byShard = new LinkedHashMap<>();
        cluster.shards().forEach(s -> byShard.put(s.id(), new ArrayList<>()));
        for (Order o : orders) {
            byShard.get(cluster.shardFor(o.customerId())).add(o);
        }
        Map<ShardId, Integer> counts = new LinkedHashMap<>();
        byShard.forEach((shard, rows) -> {
            for (int from = 0; from < rows.size(); from += BATCH) {
                List<Order> batch = rows.subList(from, Math.min(rows.size(), from + BATCH));
                // Every order of the batch has this shard's customers: route by the first, as the application would.
                DSLContext dsl = cluster.dsl(batch.getFirst().customerId());
                InsertValuesStepN<Record> insert = dsl.insertInto(ORDERS).columns(COLUMNS);
                batch.forEach(o -> insert.values(o.values()));
                insert.execute();
            }
            int stored = cluster.dsl(shard).fetchCount(ORDERS);
            if (stored != rows.size()) {
                throw new IllegalStateException("[shard " + shard + "] holds " + stored + " orders after loading, expected "
                        + rows.size() + " — the load or the routing is broken, no query result would mean anything");
            }
            counts.put(shard, stored);
        });
        return Map.copyOf(counts);
    }
}
