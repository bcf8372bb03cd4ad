package io.shardkit.cluster;

import io.shardkit.router.ShardId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Routed calls per logical shard: a {@link LongAdder} each, counting every call, and a sliding window over them.
 * The window keeps no per-call time: at the start of each bucket it remembers every shard's total, so the calls in
 * the window are the total now less the total when the window's first bucket began. A new bucket is noticed by
 * whoever looks at the clock next (a sampled call, or a snapshot), so no thread of its own is needed; a bucket in
 * which nobody looked had (almost) no calls, and starts from the same totals as the next one.
 */
final class ShardLoad {
    private final Map<ShardId, LongAdder> calls = new ConcurrentHashMap<>();
    private final long originNanos;
    private final long bucketNanos;
    private final int buckets;
    private final long[] ringBucket;              // which bucket each ring place holds, -1 when none yet
    private final Map<ShardId, Long>[] ringTotals; // the totals when that bucket began
    private volatile long currentBucket;

    @SuppressWarnings("unchecked")
    ShardLoad(HotKeys.Settings settings, long nowNanos) {
        originNanos = nowNanos;
        bucketNanos = settings.bucket().toNanos();
        buckets = settings.buckets();
        ringBucket = new long[buckets];
        ringTotals = new Map[buckets];
        java.util.Arrays.fill(ringBucket, -1);
        ringBucket[0] = 0;
        ringTotals[0] = Map.of(); // every shard at 0 when the cluster started
    }

    /** One routed call to {@code shard}. */
    void count(ShardId shard) {
        LongAdder adder = calls.get(shard);
        if (adder == null) adder = calls.computeIfAbsent(shard, s -> new LongAdder());
        adder.increment();
    }

    /** Starts a new bucket when {@code nowNanos} is past the current one. */
    void tick(long nowNanos) {
        long bucket = (nowNanos - originNanos) / bucketNanos;
        if (bucket != currentBucket) rotate(bucket);
    }

    private synchronized void rotate(long bucket) {
        long from = currentBucket;
        if (bucket <= from) return;
        Map<ShardId, Long> totals = totals();
        for (long b = Math.max(from + 1, bucket - buckets + 1); b <= bucket; b++) {
            int place = (int) (b % buckets);
            ringBucket[place] = b;
            ringTotals[place] = totals;
        }
        currentBucket = bucket;
    }

    /** Every shard's calls: since the start, and in the window that ends at {@code nowNanos}. */
    synchronized List<HotKeys.ShardCalls> snapshot(List<ShardId> shards, long nowNanos) {
        tick(nowNanos);
        Map<ShardId, Long> start = windowStart();
        return shards.stream().map(id -> {
            long total = total(id);
            return new HotKeys.ShardCalls(id, total, total - start.getOrDefault(id, 0L));
        }).toList();
    }

    /** Max over mean of the shards' window calls; 0 when there were none. */
    static double imbalance(List<HotKeys.ShardCalls> shards) {
        long max = 0;
        long sum = 0;
        for (HotKeys.ShardCalls s : shards) {
            max = Math.max(max, s.windowCalls());
            sum += s.windowCalls();
        }
        return sum == 0 ? 0 : (double) max * shards.size() / sum;
    }

    /** The totals when the oldest bucket of the window began (or the oldest remembered, for a young cluster). */
    private Map<ShardId, Long> windowStart() {
        long wanted = currentBucket - buckets + 1;
        Map<ShardId, Long> oldest = null;
        long oldestBucket = Long.MAX_VALUE;
        for (int place = 0; place < buckets; place++) {
            long b = ringBucket[place];
            if (b >= wanted && b < oldestBucket) {
                oldestBucket = b;
                oldest = ringTotals[place];
            }
        }
        return oldest == null ? Map.of() : oldest;
    }

    private Map<ShardId, Long> totals() {
        Map<ShardId, Long> totals = new HashMap<>();
        calls.forEach((id, adder) -> totals.put(id, adder.sum()));
        return totals;
    }

    private long total(ShardId id) {
        LongAdder adder = calls.get(id);
        return adder == null ? 0 : adder.sum();
    }
}
