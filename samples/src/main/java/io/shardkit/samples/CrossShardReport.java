package io.shardkit.samples;

import static io.shardkit.samples.Orders.CUSTOMER_ID;
import static io.shardkit.samples.Orders.ORDERS;
import static io.shardkit.samples.Orders.STATUS;
import static io.shardkit.samples.Orders.TOTAL;
import static org.jooq.impl.DSL.count;
import static org.jooq.impl.DSL.select;
import static org.jooq.impl.DSL.sum;

import io.shardkit.cluster.ShardCluster;
import io.shardkit.query.FanOut;
import io.shardkit.query.FanOutResult;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.stream.Collectors;
import org.jooq.Record2;

/** Questions about all customers at once, answered by fanning out to every shard and merging exactly. */
final class CrossShardReport {
    private CrossShardReport() {
    }

    static void print(ShardCluster cluster, PrintStream out) {
        FanOutResult<Record2<Long, BigDecimal>> top = FanOut.on(cluster)
                .select(select(CUSTOMER_ID, sum(TOTAL).as("spent")).from(ORDERS).groupBy(CUSTOMER_ID)
                        .orderBy(sum(TOTAL).desc(), CUSTOMER_ID).limit(5))
                .onAllShards().timeout(Duration.ofSeconds(5))
                .fetch().orThrow();
        out.println("\nTop customers by total (one fan-out, groups merged across shards):");
        top.rows().forEach(r -> out.printf("  customer %4d spent %10s%n", r.value1(), r.value2()));
        out.println("  " + timings(top));

        FanOutResult<Record2<String, Integer>> perStatus = FanOut.on(cluster)
                .select(select(STATUS, count()).from(ORDERS).groupBy(STATUS).orderBy(count().desc(), STATUS))
                .fetch().orThrow();
        out.println("Orders per status:");
        perStatus.rows().forEach(r -> out.printf("  %-10s %5d%n", r.value1(), r.value2()));
        out.println("  " + timings(perStatus));
    }

    private static String timings(FanOutResult<?> result) {
        return "per shard: " + result.outcomes().stream()
                .map(o -> o.shard() + " " + o.time().toMillis() + " ms" + (o.ok() ? "" : " " + o.status()))
                .collect(Collectors.joining(", "));
    }

}
