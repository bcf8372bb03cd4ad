package io.shardkit.cluster.internal.strategy;

import io.shardkit.cluster.config.ClusterConfig.StrategyConfig;
import io.shardkit.cluster.config.ClusterConfig;
import io.shardkit.cluster.internal.Problems;
import io.shardkit.router.ShardId;
import io.shardkit.router.ShardKeyType;
import java.util.List;

/**
 * What a strategy factory reads, besides its {@code strategy:} section.
 *
 * @param config   the whole description: the {@code strategy:} section, and {@code shards:} for weights and the
 *                 shard names ranges use
 * @param keyType  the parsed {@code keyType}; null when it is absent or unknown (an unknown one is already a problem)
 * @param shards   the logical shards that were placed without a problem, in declaration order
 * @param problems where each problem and warning goes; it holds those of the sections read before this one
 */
public record StrategyInput(ClusterConfig config, ShardKeyType keyType, List<ShardId> shards, Problems problems) {
    public StrategyInput {
        shards = List.copyOf(shards);
    }

    /** The {@code strategy:} section; null when the file has none. */
    StrategyConfig section() {
        return config.strategy();
    }
}
