package io.shardkit.bench;

import io.shardkit.cluster.ShardKey;

/**
 * The repository {@code shardkit-repository} calls through Shardkit's proxy. Public because the proxy, in another
 * package, calls its methods reflectively.
 */
public interface OrderRepository {

    Order find(@ShardKey long customerId);

    void insert(long id, @ShardKey long customerId);
}
