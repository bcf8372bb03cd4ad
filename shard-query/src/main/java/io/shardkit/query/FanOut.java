package io.shardkit.query;

import io.shardkit.router.ShardCluster;
import java.util.Objects;
import org.jooq.Record;
import org.jooq.Select;

/**
 * Runs one jOOQ query on many shards in parallel and merges the answers into what one database holding all the data
 * would return — ordering, LIMIT/OFFSET, COUNT/SUM/MIN/MAX/AVG, GROUP BY with HAVING, DISTINCT, keyset pages — or
 * refuses the query with {@link UnsupportedFanOutException} before it runs anywhere.
 *
 * <pre>{@code
 * FanOutResult<Record3<Long, String, BigDecimal>> top = FanOut.on(cluster)
 *     .select(select(ORDERS.ID, ORDERS.STATUS, ORDERS.TOTAL).from(ORDERS).orderBy(ORDERS.TOTAL.desc(), ORDERS.ID).limit(20))
 *     .onAllShards().timeout(Duration.ofSeconds(2)).onFailure(FailurePolicy.FAIL_FAST)
 *     .fetch();
 * }</pre>
 */
public final class FanOut {
    private final ShardCluster cluster;

    private FanOut(ShardCluster cluster) {
        this.cluster = cluster;
    }

    public static FanOut on(ShardCluster cluster) {
        return new FanOut(Objects.requireNonNull(cluster, "cluster"));
    }

    /** A fan-out of {@code query}; its shape is checked when it runs. */
    public <R extends Record> FanOutQuery<R> select(Select<R> query) {
        return new FanOutQuery<>(cluster, Objects.requireNonNull(query, "query"));
    }
}
