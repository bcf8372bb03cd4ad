package io.shardkit.router;

import com.google.common.hash.Hashing;
import java.util.List;

/**
 * Jump consistent hash (Lamping &amp; Veach) via Guava's {@code Hashing.consistentHash}: perfect balance, and
 * adding a shard at the end moves only {@code 1/(n+1)} of the keys. Shards can only be added or removed at the
 * end of the list.
 */
public final class JumpHashStrategy extends HashingStrategy {

    public JumpHashStrategy(KeyHash hash, List<ShardId> shards) {
        super(hash, shards);
    }

    @Override
    public ShardId shardForToken(long token) {
        return shards[Hashing.consistentHash(token, shards.length)];
    }

    @Override
    public String describe() {
        return "jump(" + hash.configName() + ", " + shards.length + " shards)";
    }
}
