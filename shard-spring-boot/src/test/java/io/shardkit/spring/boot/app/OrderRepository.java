package io.shardkit.spring.boot.app;

import io.shardkit.cluster.ShardKey;
import io.shardkit.spring.boot.ShardedRepository;
import java.util.List;

@ShardedRepository(implementation = JooqOrderRepository.class)
public interface OrderRepository {
    void save(@ShardKey long customerId, String item);

    List<String> items(@ShardKey long customerId);
}
