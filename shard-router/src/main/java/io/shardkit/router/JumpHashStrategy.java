package io.shardkit.router;

import java.util.List;

/**
 * Jump consistent hash (Lamping &amp; Veach): perfect balance, and adding a shard at the end moves only
 * {@code 1/(n+1)} of the keys. Shards can only be added or removed at the end of the list.
 *
 * <p>The bucket is exactly what Guava's {@code Hashing.consistentHash(token, n)} returns (the placement contract
 * this strategy has always had, pinned by the golden tables and checked against Guava in the tests), computed here
 * so that the routing contract needs no library.
 */
public final class JumpHashStrategy extends HashingStrategy {

    public JumpHashStrategy(KeyHash hash, List<ShardId> shards) {
        super(hash, shards);
    }

    @Override
    public ShardId shardForToken(long token) {
        return shards[bucket(token, shards.length)];
    }

    /** The jump to the last bucket below {@code buckets} that {@code token}'s pseudo-random walk reaches. */
    static int bucket(long token, int buckets) {
        long state = token; // Guava's linear congruential generator, seeded with the token
        int candidate = 0;
        while (true) {
            state = 2862933555777941757L * state + 1;
            double next = ((double) ((int) (state >>> 33) + 1)) / 0x1.0p31;
            int jump = (int) ((candidate + 1) / next);
            if (jump >= 0 && jump < buckets) {
                candidate = jump;
            } else {
                return candidate;
            }
        }
    }

    @Override
    public String describe() {
        return "jump(" + hash.configName() + ", " + shards.length + " shards)";
    }
}
