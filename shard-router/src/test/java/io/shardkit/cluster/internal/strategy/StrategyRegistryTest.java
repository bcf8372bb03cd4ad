package io.shardkit.cluster.internal.strategy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkit.cluster.config.ClusterConfig.RangeConfig;
import io.shardkit.cluster.config.ClusterConfig.ShardConfig;
import io.shardkit.cluster.config.ClusterConfig.StrategyConfig;
import io.shardkit.cluster.config.ClusterConfig;
import io.shardkit.cluster.config.ShardConfigException;
import io.shardkit.cluster.internal.Problems;
import io.shardkit.router.EmbeddedShardStrategy;
import io.shardkit.router.JumpHashStrategy;
import io.shardkit.router.RangeStrategy;
import io.shardkit.router.ShardId;
import io.shardkit.router.ShardKeyType;
import io.shardkit.router.ShardStrategy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link StrategyRegistry}: the one list of strategy type names, each dispatched to the factory that validates it. */
class StrategyRegistryTest {
    static final List<ShardId> SHARDS = List.of(ShardId.of("s0"), ShardId.of("s1"));

    static StrategyInput input(StrategyConfig strategy, ShardKeyType keyType) {
        ClusterConfig config = new ClusterConfig(Map.of(), List.of(new ShardConfig("s0", "db0", null, null),
                new ShardConfig("s1", "db0", "b", null)), strategy, keyType == null ? null : keyType.configName(), Map.of());
        return new StrategyInput(config, keyType, SHARDS, new Problems());
    }

    /** The problems found building {@code strategy}; none expected when it was built. */
    static List<String> problems(StrategyRegistry registry, StrategyInput in) {
        ShardStrategy built = registry.strategy(in);
        try {
            in.problems().throwIfAny();
            return List.of();
        } catch (ShardConfigException e) {
            assertNull(built, "a strategy despite " + e.problems());
            return e.problems();
        }
    }

    @Test
    void theStandardRegistryNamesEveryStrategyTypeInTheOrderProblemsList() {
        assertEquals(List.of("range", "modulo", "consistent-hash", "jump", "embedded-id"), StrategyRegistry.STANDARD.names());
    }

    @Test
    void aMissingOrUnknownTypeIsAnsweredWithTheRegisteredNames() {
        String names = "[range, modulo, consistent-hash, jump, embedded-id]";
        assertEquals(List.of("strategy.type: missing — choose one of " + names),
                problems(StrategyRegistry.STANDARD, input(null, null)));
        assertEquals(List.of("strategy.type: unknown strategy 'rendezvous' — use one of " + names),
                problems(StrategyRegistry.STANDARD, input(new StrategyConfig("rendezvous", null, null, null), null)));
    }

    @Test
    void eachTypeReachesItsOwnFactory() {
        StrategyInput jump = input(new StrategyConfig(" Jump ", null, null, null), ShardKeyType.LONG);
        assertInstanceOf(JumpHashStrategy.class, StrategyRegistry.STANDARD.strategy(jump));
        StrategyInput ranges = input(new StrategyConfig("range", null, null, List.of(
                new RangeConfig("s0", "unbounded", "100"), new RangeConfig("s1", "100", "unbounded"))), ShardKeyType.LONG);
        assertInstanceOf(RangeStrategy.class, StrategyRegistry.STANDARD.strategy(ranges));
        StrategyInput embedded = input(new StrategyConfig("embedded-id", null, null, null), null);
        assertInstanceOf(EmbeddedShardStrategy.class, StrategyRegistry.STANDARD.strategy(embedded));
    }

    @Test
    void aFactorysOwnValidationIsReachedThroughTheRegistry() {
        assertEquals(List.of("keyType: required by the range strategy — set long, string or instant"),
                problems(StrategyRegistry.STANDARD, input(new StrategyConfig("range", null, null, null), null)));
        assertEquals(List.of("strategy.hash: the embedded-id strategy reads the shard number inside each id and takes"
                        + " no hash — remove it"),
                problems(StrategyRegistry.STANDARD, input(new StrategyConfig("embedded-id", "murmur3", null, null), null)));
        assertEquals(List.of("keyType: instant keys can only be routed by the range strategy, not modulo — use type: "
                        + "range or another keyType"),
                problems(StrategyRegistry.STANDARD, input(new StrategyConfig("modulo", null, null, null), ShardKeyType.INSTANT)));
    }

    /** A type that reads no option of its own and builds nothing. */
    record Fixed(String type) implements StrategyFactory {
        @Override
        public ShardStrategy create(StrategyInput in) {
            return null;
        }
    }

    @Test
    void aRegistryListsItsFactoriesAndRefusesTheOptionsTheChosenOneDoesNotRead() {
        StrategyRegistry registry = new StrategyRegistry(List.of(new Fixed("b"), new Fixed("a")));
        assertEquals(List.of("b", "a"), registry.names());
        assertEquals(List.of("strategy.type: unknown strategy 'range' — use one of [b, a]"),
                problems(registry, input(new StrategyConfig("range", null, null, null), null)));
        assertEquals(List.of("strategy.virtualNodes: only consistent-hash has virtual nodes, not a — remove it",
                        "strategy.ranges: only the range strategy takes ranges, not a — remove them or set type: range"),
                problems(registry, input(new StrategyConfig("A", null, 64, List.of()), null)));
    }

    @Test
    void oneTypeHasOneFactory() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new StrategyRegistry(List.of(new Fixed("jump"), new Fixed("a"), new Fixed("jump"))));
        assertTrue(e.getMessage().contains("'jump'"), e.getMessage());
    }
}
