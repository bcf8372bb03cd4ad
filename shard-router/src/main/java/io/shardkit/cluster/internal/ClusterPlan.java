package io.shardkit.cluster.internal;

import io.shardkit.cluster.HotKeys;
import io.shardkit.cluster.ReadPolicy;
import io.shardkit.cluster.config.ClusterConfig.DatabaseConfig;
import io.shardkit.cluster.config.ClusterConfig;
import io.shardkit.cluster.config.ShardConfigException;
import io.shardkit.cluster.internal.strategy.StrategyInput;
import io.shardkit.cluster.internal.strategy.StrategyRegistry;
import io.shardkit.router.DirectoryPins;
import io.shardkit.router.ShardId;
import io.shardkit.router.ShardKeyType;
import io.shardkit.router.ShardRouter;
import io.shardkit.router.ShardStrategy;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jooq.SQLDialect;

/**
 * A {@link ClusterConfig} checked as a whole and compiled: the router, each logical shard's placement and each
 * database's dialect. Every problem is collected and reported at once, each naming its property; nothing
 * connects to a database here. Each section of shards.yml is read by a class of its own ({@link DatabasesSection},
 * {@link ShardsSection}, {@link StrategyRegistry}, {@link PinsSection}, {@link ReadsSection},
 * {@link MigrationsSection}, {@link TopologySection}, {@link HotKeysSection}, {@link TablesSection}), in the order its problems are listed.
 */
public record ClusterPlan(ShardRouter router, Map<String, Database> databases, List<Placement> placements,
                          ReadPolicy reads, HotKeys.Settings hotKeys, Set<String> referenceTables,
                          List<String> warnings) {

    /** A physical database with its inferred (or declared) dialect. */
    public record Database(String name, DatabaseConfig config, SQLDialect dialect) {
    }

    /** Where a logical shard lives: a database and, optionally, a schema in it. */
    public record Placement(ShardId shard, String database, String schema) {
    }

    public ClusterPlan {
        databases = Collections.unmodifiableMap(new LinkedHashMap<>(databases));
        placements = List.copyOf(placements);
        referenceTables = Collections.unmodifiableSet(new LinkedHashSet<>(referenceTables));
        warnings = List.copyOf(warnings);
    }

    /** Validates {@code config}; throws {@link ShardConfigException} listing every problem. */
    public static ClusterPlan compile(ClusterConfig config) {
        Objects.requireNonNull(config, "config");
        Problems problems = new Problems();
        Map<String, Database> databases = DatabasesSection.read(config, problems);
        Map<ShardId, Placement> placements = ShardsSection.read(config, problems);
        ShardKeyType keyType = keyType(config, problems);
        ShardStrategy strategy = StrategyRegistry.STANDARD.strategy(
                new StrategyInput(config, keyType, List.copyOf(placements.keySet()), problems));
        DirectoryPins pins = PinsSection.read(config, placements.keySet(), keyType, problems);
        ReadPolicy reads = ReadsSection.read(config, problems);
        MigrationsSection.check(config, problems);
        TopologySection.check(config, problems);
        HotKeys.Settings hotKeys = HotKeysSection.read(config, problems);
        Set<String> referenceTables = TablesSection.referenceTables(config, problems);
        DatabasesSection.warnUnused(databases, placements.values(), config.topology(), problems);
        problems.throwIfAny();
        ShardRouter router = ShardRouter.of(strategy, pins, keyType);
        return new ClusterPlan(router, databases, List.copyOf(placements.values()), reads, hotKeys, referenceTables,
                problems.warnings());
    }

    /** The {@code keyType}, or null when it is absent or (after adding the problem) unknown. */
    private static ShardKeyType keyType(ClusterConfig config, Problems problems) {
        if (config.keyType() == null) return null;
        try {
            return ShardKeyType.parse(config.keyType());
        } catch (IllegalArgumentException e) {
            problems.add("keyType: " + e.getMessage());
            return null;
        }
    }
}
