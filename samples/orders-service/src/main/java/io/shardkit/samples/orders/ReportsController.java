package io.shardkit.samples.orders;

import static io.shardkit.samples.orders.Orders.CUSTOMER_ID;
import static io.shardkit.samples.orders.Orders.ORDERS;
import static io.shardkit.samples.orders.Orders.TOTAL;
import static org.jooq.impl.DSL.count;
import static org.jooq.impl.DSL.select;
import static org.jooq.impl.DSL.sum;

import io.shardkit.cluster.ShardCluster;
import io.shardkit.query.FanOut;
import io.shardkit.query.FanOutResult;
import io.shardkit.query.QueryOutcome;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import org.jooq.Record3;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Questions about all customers at once: one fan-out to every shard, groups and order merged exactly. */
@RestController
class ReportsController {
    static final int MAX_LIMIT = 100;
    private final ShardCluster cluster;

    ReportsController(ShardCluster cluster) {
        this.cluster = cluster;
    }

    /** The customers who spent the most, with how each shard answered. */
    public record TopCustomers(List<CustomerTotal> customers, List<ShardAnswer> shards) {
    }

    public record CustomerTotal(long customerId, BigDecimal spent, int orders) {
    }

    public record ShardAnswer(String shard, String status, long millis, long rows) {
        static ShardAnswer of(QueryOutcome o) {
            return new ShardAnswer(o.shard().value(), o.status().name(), o.time().toMillis(), o.rows());
        }
    }

    @GetMapping("/reports/top-customers")
    TopCustomers topCustomers(@RequestParam(defaultValue = "5") int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new BadRequestException("limit must be between 1 and " + MAX_LIMIT + ", got " + limit);
        }
        FanOutResult<Record3<Long, BigDecimal, Integer>> top = FanOut.on(cluster)
                .select(select(CUSTOMER_ID, sum(TOTAL).as("spent"), count().as("orders")).from(ORDERS)
                        .groupBy(CUSTOMER_ID).orderBy(sum(TOTAL).desc(), CUSTOMER_ID).limit(limit))
                .onAllShards().timeout(Duration.ofSeconds(5))
                .fetch().orThrow();
        return new TopCustomers(
                top.rows().stream().map(r -> new CustomerTotal(r.value1(), r.value2(), r.value3())).toList(),
                top.outcomes().stream().map(ShardAnswer::of).toList());
    }
}
