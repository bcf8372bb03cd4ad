package io.shardkit.router;

import java.util.List;
import java.util.Map;

/**
 * A consistent-hash ring with virtual nodes and per-shard weights. A shard with weight {@code w} owns
 * {@code virtualNodes × w} points, each at {@code murmur3("<shardId>#<i>")} ({@link RingPoints}), so the ring
 * depends only on the shard ids — never on their order. A token belongs to the first point at or after it, wrapping
 * at the top.
 *
 * <p>Lookup is a binary search over a sorted {@code long[]}, narrowed first by a table indexed with the
 * token's top bits so that it touches one or two cache lines instead of a dozen. Each point is stored next to
 * its owner's index, so the owner comes with the point's cache line.
 */
public final class ConsistentHashRing extends HashingStrategy {

    /**
     * Chosen by measurement ({@code StrategyPropertiesTest}, 16 shards, 1,000,000 keys): max/mean load is 1.34 at
     * 128 points per shard, 1.10 at 256, 1.086 at 512, 1.055 at 1024 and 1.035 at 2048. 1024 keeps a margin under
     * the 1.10 goal; lookups cost the same at any count thanks to the bucket table.
     */
    public static final int DEFAULT_VIRTUAL_NODES = 1024;

    /** More points than this buy no balance and cost memory (16 bytes each); 2^22 is 64 MiB of ring. */
    public static final int MAX_POINTS = 1 << 22;

    private final int virtualNodes;
    private final long[] ring;         // point i at [2i] (sorted, signed order), its owner's index at [2i + 1]
    private final int pointCount;
    private final int[] bucketStart;   // first point index of each top-bits bucket, plus a sentinel
    private final int bucketShift;

    public ConsistentHashRing(KeyHash hash, List<ShardId> shards, Map<ShardId, Integer> weights, int virtualNodes) {
        super(hash, shards);
        if (virtualNodes <= 0) {
            throw new ShardException(ShardException.Code.CONFIG,
                    "virtualNodes must be positive: " + virtualNodes + " — try " + DEFAULT_VIRTUAL_NODES);
        }
        this.virtualNodes = virtualNodes;
        ring = RingPoints.place(this.shards, weights, virtualNodes, MAX_POINTS);
        int total = ring.length / 2;
        pointCount = total;
        // One to two points per bucket: the table stays small enough to live in the L1/L2 cache.
        int bits = Math.max(1, 31 - Integer.numberOfLeadingZeros(total));
        bucketShift = 64 - bits;
        bucketStart = new int[(1 << bits) + 1];
        int p = 0;
        for (int b = 0; b < (1 << bits); b++) {
            while (p < total && bucket(ring[2 * p]) < b) p++;
            bucketStart[b] = p;
        }
        bucketStart[1 << bits] = total;
    }

    /** Buckets are monotonic in the signed order of tokens: flip the sign bit, then take the top bits. */
    private int bucket(long position) {
        return (int) ((position ^ Long.MIN_VALUE) >>> bucketShift);
    }

    @Override
    public ShardId shardForToken(long token) {
        long t = hash.spread(token);
        int b = bucket(t);
        int lo = bucketStart[b];
        int hi = bucketStart[b + 1]; // search [lo, hi) for the first point >= t
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (ring[2 * mid] < t) lo = mid + 1;
            else hi = mid;
        }
        return shards[(int) ring[2 * (lo == pointCount ? 0 : lo) + 1]];
    }

    public int virtualNodes() {
        return virtualNodes;
    }

    /** How many points the ring holds in all. */
    public int pointCount() {
        return pointCount;
    }

    @Override
    public String describe() {
        return "consistent-hash(" + hash.configName() + ", " + virtualNodes + " vnodes, " + shards.length + " shards)";
    }
}
