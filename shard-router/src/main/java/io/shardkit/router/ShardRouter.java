package io.shardkit.router;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Key → logical shard: directory pins first, then the strategy. Immutable and thread-safe; a topology change
 * builds a new router. When a key type is declared, keys of any other type are refused, so that {@code "42"}
 * and {@code 42L} can never be routed differently by mistake.
 */
public final class ShardRouter {

    private final ShardStrategy strategy;
    private final DirectoryPins pins;
    private final ShardKeyType keyType; // null: any supported type
    private final List<ShardId> shards;

    private ShardRouter(ShardStrategy strategy, DirectoryPins pins, ShardKeyType keyType) {
        this.strategy = Objects.requireNonNull(strategy, "strategy");
        this.pins = Objects.requireNonNull(pins, "pins");
        this.keyType = keyType;
        Set<ShardId> all = new LinkedHashSet<>(strategy.shards());
        all.addAll(pins.targets());
        this.shards = List.copyOf(new ArrayList<>(all));
    }

    public static ShardRouter of(ShardStrategy strategy) {
        return new ShardRouter(strategy, DirectoryPins.none(), null);
    }

    /** A router that consults {@code pins} before {@code strategy}; {@code keyType} may be null (any type). */
    public static ShardRouter of(ShardStrategy strategy, DirectoryPins pins, ShardKeyType keyType) {
        return new ShardRouter(strategy, pins, keyType);
    }

    public ShardId shardFor(long key) {
        if (keyType != null && keyType != ShardKeyType.LONG) {
            throw wrongType(ShardKeyType.LONG);
        }
        ShardId pinned = pins.pinned(key);
        return pinned != null ? pinned : strategy.shardFor(key);
    }

    /** The shard of any supported key; a null key or unsupported type fails here, before any query. */
    public ShardId shardFor(Object key) {
        ShardKeyType type = ShardKeyType.of(key);
        if (keyType != null && keyType != type) {
            throw wrongType(type);
        }
        ShardId pinned = pins.pinned(key);
        return pinned != null ? pinned : strategy.shardFor(key);
    }

    /** Every shard this router can return: the strategy's, then any only reached through pins. */
    public List<ShardId> shards() {
        return shards;
    }

    public ShardStrategy strategy() {
        return strategy;
    }

    public DirectoryPins pins() {
        return pins;
    }

    @Override
    public String toString() {
        return "ShardRouter[" + strategy.describe() + ", " + pins.size() + " pins"
                + (keyType == null ? "" : ", " + keyType.configName() + " keys") + "]";
    }

    private ShardException wrongType(ShardKeyType given) {
        return new ShardException(ShardException.Code.KEY, "this cluster's shard keys are " + keyType.configName()
                + " (keyType in shards.yml) and " + given.withArticle() + " key was given — pass "
                + keyType.withArticle() + " key");
    }
}
