package io.shardkit.cluster.internal.strategy;

import io.shardkit.cluster.config.ClusterConfig.StrategyConfig;
import io.shardkit.router.JumpHashStrategy;
import io.shardkit.router.ModuloStrategy;
import io.shardkit.router.ShardStrategy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The strategy types shards.yml can name, each with the factory that validates and builds it. The one list of type
 * names: a new strategy is a factory registered here.
 */
public final class StrategyRegistry {

    /** Every strategy type, in the order problems list them. */
    public static final StrategyRegistry STANDARD = new StrategyRegistry(List.of(new RangeStrategyFactory(),
            new PlainHashingStrategyFactory("modulo", ModuloStrategy::new), new ConsistentHashRingFactory(),
            new PlainHashingStrategyFactory("jump", JumpHashStrategy::new), new EmbeddedShardStrategyFactory()));

    private final Map<String, StrategyFactory> factories = new LinkedHashMap<>();

    StrategyRegistry(List<StrategyFactory> factories) {
        for (StrategyFactory factory : factories) {
            if (this.factories.putIfAbsent(factory.type(), factory) != null) {
                throw new IllegalArgumentException("two factories for strategy type '" + factory.type() + "'");
            }
        }
    }

    /** The type names, in registration order. */
    public List<String> names() {
        return List.copyOf(factories.keySet());
    }

    /** The strategy that {@code in}'s {@code strategy:} section describes, or null after adding each problem found. */
    public ShardStrategy strategy(StrategyInput in) {
        StrategyConfig s = in.section();
        if (s == null || s.type() == null) {
            in.problems().add("strategy.type: missing — choose one of " + names());
            return null;
        }
        StrategyFactory factory = factories.get(s.type().trim().toLowerCase(Locale.ROOT));
        if (factory == null) {
            in.problems().add("strategy.type: unknown strategy '" + s.type() + "' — use one of " + names());
            return null;
        }
        // Before the factory, which may stop at its first problem, so that these are reported with every other.
        ForeignOptions.refuse(factory, in);
        return factory.create(in);
    }
}
