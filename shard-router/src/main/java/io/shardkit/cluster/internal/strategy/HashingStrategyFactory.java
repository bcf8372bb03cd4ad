package io.shardkit.cluster.internal.strategy;

import io.shardkit.cluster.config.ClusterConfig.StrategyConfig;
import io.shardkit.cluster.internal.Problems;
import io.shardkit.router.ConsistentHashRing;
import io.shardkit.router.KeyHash;
import io.shardkit.router.ShardException;
import io.shardkit.router.ShardKeyType;
import io.shardkit.router.ShardStrategy;

/**
 * What the strategies that route by a {@link KeyHash} token check alike: the {@code hash:} option (murmur3 by
 * default) and a key type a hash can spread. Each subclass only builds its strategy.
 */
abstract class HashingStrategyFactory implements StrategyFactory {

    @Override
    public final ShardStrategy create(StrategyInput in) {
        StrategyConfig s = in.section();
        Problems problems = in.problems();
        // Every hashing type checks the count, so a bad one is named even where the option is refused as foreign.
        if (s.virtualNodes() != null && s.virtualNodes() <= 0) {
            problems.add("strategy.virtualNodes: must be positive, was " + s.virtualNodes()
                    + " — omit it for the default " + ConsistentHashRing.DEFAULT_VIRTUAL_NODES);
        }
        KeyHash hash = KeyHash.MURMUR3;
        if (s.hash() != null) {
            try {
                hash = KeyHash.byName(s.hash());
            } catch (IllegalArgumentException e) {
                problems.add("strategy.hash: " + e.getMessage());
            }
        }
        if (in.keyType() == ShardKeyType.INSTANT) {
            problems.add("keyType: instant keys can only be routed by the range strategy, not " + type()
                    + " — use type: range or another keyType");
        }
        if (in.shards().isEmpty() || !problems.none()) return null;
        try {
            return build(hash, in);
        } catch (ShardException e) {
            problems.add("strategy: " + e.getMessage());
            return null;
        }
    }

    /** The strategy over {@code in.shards()}; a {@link ShardException} it throws is reported as a problem. */
    abstract ShardStrategy build(KeyHash hash, StrategyInput in);
}
