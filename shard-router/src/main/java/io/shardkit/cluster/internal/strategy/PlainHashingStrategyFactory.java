package io.shardkit.cluster.internal.strategy;

import io.shardkit.router.KeyHash;
import io.shardkit.router.ShardId;
import io.shardkit.router.ShardStrategy;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;

/**
 * A hashing type that reads no option of its own, built from the hash and the shards alone: {@code modulo}
 * ({@link io.shardkit.router.ModuloStrategy}) and {@code jump} ({@link io.shardkit.router.JumpHashStrategy}).
 */
final class PlainHashingStrategyFactory extends HashingStrategyFactory {
    private final String type;
    private final BiFunction<KeyHash, List<ShardId>, ShardStrategy> constructor;

    PlainHashingStrategyFactory(String type, BiFunction<KeyHash, List<ShardId>, ShardStrategy> constructor) {
        this.type = Objects.requireNonNull(type, "type");
        this.constructor = Objects.requireNonNull(constructor, "constructor");
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    ShardStrategy build(KeyHash hash, StrategyInput in) {
        return constructor.apply(hash, in.shards());
    }
}
