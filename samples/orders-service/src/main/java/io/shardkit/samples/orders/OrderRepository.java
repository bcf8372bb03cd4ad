package io.shardkit.samples.orders;

import io.shardkit.cluster.ReadOnly;
import io.shardkit.cluster.ShardKey;
import io.shardkit.samples.orders.Orders.Order;
import io.shardkit.spring.boot.ShardedRepository;
import java.util.List;
import java.util.Optional;

/**
 * The service's data access, written once: the starter registers it as a bean, and Shardkit runs each call on the
 * customer's shard.
 */
@ShardedRepository(implementation = JooqOrderRepository.class)
public interface OrderRepository {
    @ReadOnly
    Optional<Order> find(@ShardKey long customerId, long orderId);

    void save(@ShardKey("customerId") Order order);

    @ReadOnly
    List<Order> ofCustomer(@ShardKey long customerId);
}
