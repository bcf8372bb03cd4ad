package io.shardkit.cluster;

import io.shardkit.router.ShardId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What {@link ShardCluster#hotKeys()} saw of the load, at {@code takenAt}: the most routed keys (a bounded
 * Space-Saving sketch fed by a sample of the routed calls, counted since the cluster started), every logical shard's
 * routed calls, and how unevenly the last {@code window} spread over the shards. A low-cardinality key makes a hot
 * shard; this shows it before it hurts.
 *
 * <p>A routed call is one {@code dsl(key)}, {@code readDsl(key..)}, {@code inTransaction(key, ..)} or sharded
 * repository call, on the cluster or a session — however many statements it then runs. {@code shardFor(key)} (a
 * look-up), {@code dsl(shardId)} and repository calls inside a transaction (the transaction was counted) are not.
 * Off by default: then {@code enabled} is false, the lists are empty and routing does no extra work.
 *
 * @param enabled      whether the cluster tracks hot keys ({@link Settings#enabled()})
 * @param takenAt      when this snapshot was taken
 * @param sampleEvery  one routed call in this many fed the sketch
 * @param sampledCalls the calls that fed the sketch since the cluster started
 * @param top          the sketch's keys, most calls first (at most {@link Settings#capacity()})
 * @param shards       every logical shard of the current topology, in declaration order, with its calls
 * @param imbalance    the busiest shard's calls over the mean of all shards' in {@code window}: 1.0 is perfectly
 *                     even, {@code shards.size()} is every call on one shard; 0 when no call was routed in it
 * @param window       the span {@code imbalance} and {@link ShardCalls#windowCalls()} cover (to within one bucket)
 */
public record HotKeys(boolean enabled, Instant takenAt, int sampleEvery, long sampledCalls, List<Key> top,
                      List<ShardCalls> shards, double imbalance, Duration window) {

    public HotKeys {
        Objects.requireNonNull(takenAt, "takenAt");
        Objects.requireNonNull(window, "window");
        top = List.copyOf(top);
        shards = List.copyOf(shards);
    }

    /**
     * One of the most routed keys. Space-Saving over-counts, never under-counts: the key's true sampled count lies
     * in {@code [sampledCount - errorBound, sampledCount]}; a key that had more than {@code 1/capacity} of the
     * sampled calls is always listed.
     *
     * @param key            the key as {@code shards.yml} writes keys (a number, text, a UUID, hex for bytes, an ISO
     *                       instant). Keys are data: they appear here and nowhere else — never in logs or meter tags
     * @param shard          the shard the key was last routed to
     * @param sampledCount   the sampled calls counted for the key (an upper bound)
     * @param errorBound     how much of {@code sampledCount} may belong to keys the sketch evicted
     * @param estimatedCalls {@code sampledCount × sampleEvery}: the routed calls the sample stands for
     * @param share          {@code sampledCount / sampledCalls}: the key's share of the load
     */
    public record Key(String key, ShardId shard, long sampledCount, long errorBound, long estimatedCalls, double share) {
        public Key {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(shard, "shard");
        }
    }

    /**
     * A logical shard's load: every routed call is counted here, not a sample.
     *
     * @param routedCalls the calls routed to the shard since the cluster started
     * @param windowCalls those of them in the last {@code window}
     */
    public record ShardCalls(ShardId shard, long routedCalls, long windowCalls) {
        public ShardCalls {
            Objects.requireNonNull(shard, "shard");
        }
    }

    /** The snapshot of a cluster that does not track hot keys. */
    static HotKeys disabled(Instant takenAt, Settings settings) {
        return new HotKeys(false, takenAt, settings.sampleEvery(), 0, List.of(), List.of(), 0, settings.window());
    }

    /** Counts only: the keys stay out of logs, even when a snapshot is logged whole. */
    @Override
    public String toString() {
        return "HotKeys[" + (enabled ? "" : "disabled, ") + top.size() + " keys of " + sampledCalls
                + " sampled calls (1 in " + sampleEvery + "), " + shards.size() + " shards, imbalance "
                + String.format(java.util.Locale.ROOT, "%.2f", imbalance) + " over " + window + ", at " + takenAt + "]";
    }

    /**
     * How a cluster tracks hot keys: {@link #OFF} (the default) or {@link #DEFAULTS} changed with the
     * {@code with..} methods. Impossible values are refused here, each naming its setting.
     *
     * @param enabled     whether routed calls are counted at all
     * @param capacity    how many keys the sketch keeps (memory is bounded by it); 1 to 65,536
     * @param sampleEvery one routed call in this many feeds the sketch (chosen at random per call); 1 feeds every
     *                    call. Per-shard counts see every call regardless
     * @param window      the span the imbalance covers
     * @param bucket      the step the window slides by; {@code window} must be a whole number of buckets, at most 1,000
     */
    public record Settings(boolean enabled, int capacity, int sampleEvery, Duration window, Duration bucket) {
        /** Not tracking: routing does one predictable branch more and allocates nothing. */
        public static final Settings OFF = new Settings(false, 64, 16, Duration.ofSeconds(60), Duration.ofSeconds(10));
        /** Tracking the top 64 keys from 1 call in 16, imbalance over the last 60 s in 10 s buckets. */
        public static final Settings DEFAULTS = new Settings(true, 64, 16, Duration.ofSeconds(60), Duration.ofSeconds(10));

        public Settings {
            Objects.requireNonNull(window, "window");
            Objects.requireNonNull(bucket, "bucket");
            if (capacity < 1 || capacity > 65_536) {
                throw new IllegalArgumentException("hotKeys.capacity must be 1 to 65536: " + capacity);
            }
            if (sampleEvery < 1) {
                throw new IllegalArgumentException("hotKeys.sampleEvery must be positive (1 samples every call): " + sampleEvery);
            }
            if (bucket.toMillis() < 1) {
                throw new IllegalArgumentException("hotKeys.bucket must be at least 1 ms: " + bucket);
            }
            if (window.compareTo(bucket) < 0 || window.toMillis() % bucket.toMillis() != 0
                    || window.toMillis() / bucket.toMillis() > 1000) {
                throw new IllegalArgumentException("hotKeys.window must be 1 to 1000 whole buckets of " + bucket + ": " + window);
            }
        }

        /** These settings, tracking. */
        public Settings on() {
            return new Settings(true, capacity, sampleEvery, window, bucket);
        }

        public Settings withCapacity(int capacity) {
            return new Settings(enabled, capacity, sampleEvery, window, bucket);
        }

        public Settings withSampleEvery(int sampleEvery) {
            return new Settings(enabled, capacity, sampleEvery, window, bucket);
        }

        public Settings withWindow(Duration window, Duration bucket) {
            return new Settings(enabled, capacity, sampleEvery, window, bucket);
        }

        int buckets() {
            return (int) (window.toMillis() / bucket.toMillis());
        }
    }
}
