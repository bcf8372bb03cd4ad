package io.shardkit.cluster.internal.strategy;

import io.shardkit.cluster.internal.Problems;
import io.shardkit.router.EmbeddedShardStrategy;
import io.shardkit.router.ShardException;
import io.shardkit.router.ShardKeyType;
import io.shardkit.router.ShardStrategy;

/** {@code type: embedded-id}: {@link EmbeddedShardStrategy}, which reads the shard number inside each long id. */
final class EmbeddedShardStrategyFactory implements StrategyFactory {

    @Override
    public String type() {
        return "embedded-id";
    }

    @Override
    public ShardStrategy create(StrategyInput in) {
        Problems problems = in.problems();
        if (in.section().hash() != null) {
            problems.add("strategy.hash: the embedded-id strategy reads the shard number inside each id and takes"
                    + " no hash — remove it");
        }
        ShardKeyType keyType = in.keyType();
        if (keyType != null && keyType != ShardKeyType.LONG) {
            problems.add("keyType: the embedded-id strategy routes long ids, not " + keyType.configName()
                    + " keys — set keyType: long or remove it");
        }
        if (in.shards().isEmpty() || !problems.none()) return null;
        try {
            return new EmbeddedShardStrategy(in.shards());
        } catch (ShardException e) { // more shards than 13 bits can number; placements already refused repeats
            problems.add("shards: " + e.getMessage());
            return null;
        }
    }
}
