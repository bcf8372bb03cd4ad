package io.shardkit.samples.orders;

import io.shardkit.samples.orders.Orders.Order;
import java.math.BigDecimal;
import java.time.LocalDateTime;

/** An order as the API returns it, with the shard it lives on. */
public record OrderView(long id, long customerId, String status, BigDecimal amount, LocalDateTime createdAt, String shard) {
    static OrderView of(Order order, OrderIds ids) {
        return new OrderView(order.id(), order.customerId(), order.status(), order.total(), order.createdAt(),
                ids.shardOf(order.id()).value());
    }
}
