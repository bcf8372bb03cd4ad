package io.shardkit.spring.boot;

import io.shardkit.cluster.ShardCluster;
import java.util.Map;

/** Each shard's schema version by shard id (e.g. {@code V3}), read by ShardMigrator when shard-migrate is present. */
@FunctionalInterface
interface ShardSchemaVersions {
    Map<String, String> of(ShardCluster cluster);
}
