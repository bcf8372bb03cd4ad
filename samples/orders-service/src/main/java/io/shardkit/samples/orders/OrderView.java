package io.shardkit.samples.orders;

import io.shardkit.cluster.ShardCluster;
import io.shardkit.samples.orders.Orders.Order;
import java.math.BigDecimal;
import java.time.LocalDateTime;

/** An order as the API returns it, with the shard it lives on. */
public record OrderView(long id, long customerId, String status, BigDecimal amount, LocalDateTime createdAt, String shard) {
    /** {@code shard}: where the customer's orders live now (after a move, not the shard number in the id). */
    static OrderView of(Order order, ShardCluster cluster) {
        return new OrderView(order.id(), order.customerId(), order.status(), order.total(), order.createdAt(),
                cluster.shardFor(order.customerId()).value());
    }
}
