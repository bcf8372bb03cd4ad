package io.shardkit.spring.boot.app.other;

import io.shardkit.cluster.ShardKey;
import io.shardkit.spring.boot.ShardedRepository;

@ShardedRepository(implementation = JooqAuditRepository.class)
public interface AuditRepository {
    int count(@ShardKey long customerId);
}
