package io.shardkit.cluster;

import io.shardkit.router.ShardId;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/**
 * Where every routed call is seen once: counts it for its shard and feeds a random sample of the keys to the
 * {@link SpaceSaving} sketch. Off (the default), a call costs one branch on a final field and allocates nothing;
 * on, a {@link java.util.concurrent.atomic.LongAdder} increment and a thread-local random number, plus, for one call
 * in {@code sampleEvery}, the clock and the synchronized sketch. Keys are never logged.
 */
final class HotKeyTracker {
    private final boolean enabled;
    private final HotKeys.Settings settings;
    private final int sampleEvery;
    private final SpaceSaving sketch;
    private final ShardLoad load;
    private final Clock clock;
    private final LongSupplier nanoTime;

    HotKeyTracker(HotKeys.Settings settings) {
        this(settings, Clock.systemUTC(), System::nanoTime);
    }

    /** With the clocks given: the wall clock stamps snapshots, {@code nanoTime} slides the window. */
    HotKeyTracker(HotKeys.Settings settings, Clock clock, LongSupplier nanoTime) {
        this.settings = settings;
        this.enabled = settings.enabled();
        this.sampleEvery = settings.sampleEvery();
        this.clock = clock;
        this.nanoTime = nanoTime;
        this.sketch = enabled ? new SpaceSaving(settings.capacity()) : null;
        this.load = enabled ? new ShardLoad(settings, nanoTime.getAsLong()) : null;
    }

    /** A call routed by a long key. */
    void record(long key, ShardId shard) {
        if (enabled) recordLong(key, shard);
    }

    /** A call routed by a key of any supported type (a Long or Integer is counted as the long it routes as). */
    void record(Object key, ShardId shard) {
        if (!enabled) return;
        // Unboxed here, in a method small enough to inline: a boxed key that goes no further can be scalar-replaced.
        if (key instanceof Long l) recordLong(l, shard);
        else if (key instanceof Integer i) recordLong(i, shard);
        else recordObject(key, shard);
    }

    private void recordLong(long key, ShardId shard) {
        boolean sampled = sampled(); // first: a new bucket starts before this call is counted in it
        load.count(shard);
        if (sampled) sketch.offer(key, shard);
    }

    private void recordObject(Object key, ShardId shard) {
        boolean sampled = sampled();
        load.count(shard);
        if (sampled) sketch.offer(key, shard);
    }

    private boolean sampled() {
        if (sampleEvery > 1 && ThreadLocalRandom.current().nextInt(sampleEvery) != 0) return false;
        load.tick(nanoTime.getAsLong());
        return true;
    }

    /** What has been seen, for {@code shards} (the current topology's, in order). */
    HotKeys snapshot(List<ShardId> shards) {
        if (!enabled) return HotKeys.disabled(clock.instant(), settings);
        List<HotKeys.ShardCalls> calls = load.snapshot(shards, nanoTime.getAsLong());
        SpaceSaving.Top seen = sketch.top();
        long sampled = seen.total();
        List<HotKeys.Key> top = seen.keys().stream()
                .map(c -> new HotKeys.Key(c.key(), c.shard(), c.count(), c.error(), c.count() * sampleEvery,
                        sampled == 0 ? 0 : (double) c.count() / sampled))
                .toList();
        return new HotKeys(true, clock.instant(), sampleEvery, sampled, top, calls, ShardLoad.imbalance(calls),
                settings.window());
    }
}
