package io.shardkit.cluster.internal.strategy;

import io.shardkit.cluster.config.ClusterConfig.RangeConfig;
import io.shardkit.cluster.config.ClusterConfig.ShardConfig;
import io.shardkit.cluster.config.ClusterConfig.StrategyConfig;
import io.shardkit.cluster.internal.Hints;
import io.shardkit.cluster.internal.Problems;
import io.shardkit.router.RangeStrategy;
import io.shardkit.router.ShardException;
import io.shardkit.router.ShardId;
import io.shardkit.router.ShardKeyType;
import io.shardkit.router.ShardStrategy;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code type: range}: a {@link RangeStrategy} over the declared {@code ranges}, read as {@code keyType} values
 * (which must be ordered: long, string or instant). A shard no range reaches is worth a warning, not a problem:
 * pins may still send keys to it.
 */
final class RangeStrategyFactory implements StrategyFactory {

    @Override
    public String type() {
        return "range";
    }

    @Override
    public boolean readsRanges() {
        return true;
    }

    @Override
    public ShardStrategy create(StrategyInput in) {
        StrategyConfig s = in.section();
        Problems problems = in.problems();
        ShardKeyType keyType = in.keyType();
        if (s.hash() != null) {
            problems.add("strategy.hash: the range strategy routes by the key itself and takes no hash — remove it");
        }
        if (keyType == null) {
            if (in.config().keyType() == null) { // an unknown keyType is already reported
                problems.add("keyType: required by the range strategy — set long, string or instant");
            }
            return null;
        }
        if (keyType != ShardKeyType.LONG && keyType != ShardKeyType.STRING && keyType != ShardKeyType.INSTANT) {
            problems.add("keyType: the range strategy needs ordered keys — long, string or instant, not "
                    + keyType.configName() + " — change keyType or use a hashing strategy");
            return null;
        }
        if (s.ranges() == null || s.ranges().isEmpty()) {
            problems.add("strategy.ranges: missing — declare ranges like - { shard: s0, from: 0, to: 1000 }");
            return null;
        }
        List<RangeStrategy.Range> ranges = ranges(in, keyType);
        if (!problems.none()) return null;
        try {
            RangeStrategy strategy = new RangeStrategy(keyType, ranges);
            for (ShardConfig sc : in.config().shards()) {
                if (!strategy.shards().contains(ShardId.of(sc.id()))) {
                    problems.warn("shards: '" + sc.id() + "' has no range, so no key reaches it except through pins");
                }
            }
            return strategy;
        } catch (ShardException e) {
            problems.add("strategy.ranges: " + e.getMessage());
            return null;
        }
    }

    /** The ranges whose shard and bounds read without a problem; their order and contiguity are checked later. */
    private static List<RangeStrategy.Range> ranges(StrategyInput in, ShardKeyType keyType) {
        List<ShardConfig> shards = in.config().shards();
        List<RangeStrategy.Range> out = new ArrayList<>();
        for (int i = 0; i < in.section().ranges().size(); i++) {
            RangeConfig r = in.section().ranges().get(i);
            String p = "strategy.ranges[" + i + "]";
            if (r.shard() == null || shards.stream().noneMatch(sc -> r.shard().equals(sc.id()))) {
                in.problems().add(p + ".shard: " + (r.shard() == null ? "missing" : "unknown shard '" + r.shard() + "'")
                        + " — declared shards: " + Hints.shardIds(in.config()));
                continue;
            }
            RangeStrategy.Bound from = RangeBounds.read(p + ".from", r.from(), keyType, in.problems());
            RangeStrategy.Bound to = RangeBounds.read(p + ".to", r.to(), keyType, in.problems());
            if (from != null && to != null) out.add(new RangeStrategy.Range(ShardId.of(r.shard()), from, to));
        }
        return out;
    }
}
