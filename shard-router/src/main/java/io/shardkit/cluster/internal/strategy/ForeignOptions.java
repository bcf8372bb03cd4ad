package io.shardkit.cluster.internal.strategy;

import io.shardkit.cluster.config.ClusterConfig.ShardConfig;
import io.shardkit.cluster.config.ClusterConfig.StrategyConfig;
import java.util.List;

/**
 * Refuses the options that only some strategy types read ({@code virtualNodes}, {@code ranges}, shard weights) when
 * the chosen type does not read them, rather than ignoring them silently. Each problem names the type that does.
 */
final class ForeignOptions {
    private ForeignOptions() {
    }

    static void refuse(StrategyFactory factory, StrategyInput in) {
        StrategyConfig s = in.section();
        String type = factory.type();
        if (s.virtualNodes() != null && !factory.readsVirtualNodes()) {
            in.problems().add("strategy.virtualNodes: only consistent-hash has virtual nodes, not " + type + " — remove it");
        }
        if (s.ranges() != null && !factory.readsRanges()) {
            in.problems().add("strategy.ranges: only the range strategy takes ranges, not " + type
                    + " — remove them or set type: range");
        }
        if (!factory.readsWeights()) {
            List<ShardConfig> shards = in.config().shards();
            for (int i = 0; i < shards.size(); i++) {
                ShardConfig sc = shards.get(i);
                if (sc != null && sc.weight() != null) {
                    in.problems().add("shards[" + i + "].weight: only consistent-hash supports weights, not " + type
                            + " — remove it or use consistent-hash");
                }
            }
        }
    }
}
