package io.shardkit.router;

import java.util.List;
import java.util.Objects;

/** Base of the strategies that route by a token from a {@link KeyHash}: modulo, jump and the ring. */
public abstract sealed class HashingStrategy implements ShardStrategy
        permits ModuloStrategy, JumpHashStrategy, ConsistentHashRing {

    protected final KeyHash hash;
    protected final ShardId[] shards;

    protected HashingStrategy(KeyHash hash, List<ShardId> shards) {
        this.hash = Objects.requireNonNull(hash, "hash");
        if (shards.isEmpty()) {
            throw new ShardException(ShardException.Code.CONFIG, "a strategy needs at least one shard");
        }
        this.shards = shards.toArray(ShardId[]::new);
    }

    /** The shard owning a token produced by this strategy's hash. */
    public abstract ShardId shardForToken(long token);

    @Override
    public final ShardId shardFor(long key) {
        return shardForToken(hash.hashLong(key));
    }

    @Override
    public final ShardId shardFor(Object key) {
        return shardForToken(hash.hash(key));
    }

    @Override
    public final List<ShardId> shards() {
        return List.of(shards);
    }

    public final KeyHash hash() {
        return hash;
    }
}
