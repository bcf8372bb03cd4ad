package io.shardkit.samples;

import io.shardkit.cluster.ReadOnly;
import io.shardkit.cluster.ShardKey;
import io.shardkit.samples.Orders.Order;
import java.util.List;
import java.util.Optional;

/** The service's data access, written once: Shardkit runs each call on the customer's shard. */
public interface OrderRepository {
    Optional<Order> find(@ShardKey long customerId, long orderId);

    void save(@ShardKey("customerId") Order order);

    @ReadOnly
    List<Order> ofCustomer(@ShardKey long customerId);
}
