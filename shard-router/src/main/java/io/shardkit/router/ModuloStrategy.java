package io.shardkit.router;

import java.util.List;

/**
 * {@code token mod n} (unsigned). Perfectly balanced, but adding a shard moves about {@code n/(n+1)} of all
 * keys; prefer {@link JumpHashStrategy} or {@link ConsistentHashRing} unless an existing routing function must
 * be matched (with {@link KeyHash#FNV1A32}).
 */
public final class ModuloStrategy extends HashingStrategy {

    public ModuloStrategy(KeyHash hash, List<ShardId> shards) {
        super(hash, shards);
    }

    @Override
    public ShardId shardForToken(long token) {
        return shards[(int) Long.remainderUnsigned(token, shards.length)];
    }

    @Override
    public String describe() {
        return "modulo(" + hash.configName() + ", " + shards.length + " shards)";
    }
}
