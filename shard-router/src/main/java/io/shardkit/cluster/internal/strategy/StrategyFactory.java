package io.shardkit.cluster.internal.strategy;

import io.shardkit.router.ShardStrategy;

/**
 * Validates and builds one strategy type from the {@code strategy:} section of shards.yml. Registered by its
 * {@link #type()} name in {@link StrategyRegistry}; the options it does not read are refused there, before
 * {@link #create} is called.
 */
interface StrategyFactory {

    /** The name {@code strategy.type} gives this strategy, e.g. {@code consistent-hash}. */
    String type();

    /** Whether this type reads {@code strategy.virtualNodes}. */
    default boolean readsVirtualNodes() {
        return false;
    }

    /** Whether this type reads {@code strategy.ranges}. */
    default boolean readsRanges() {
        return false;
    }

    /** Whether this type reads the {@code weight} of each shard. */
    default boolean readsWeights() {
        return false;
    }

    /**
     * The strategy over {@code in.shards()}, or null after adding each problem found to {@code in.problems()}. A
     * strategy is built only when the whole description so far is free of problems.
     */
    ShardStrategy create(StrategyInput in);
}
