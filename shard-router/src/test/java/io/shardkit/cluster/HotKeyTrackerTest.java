package io.shardkit.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkit.router.ShardId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The tracker alone: concurrent recording, sampling, the sliding window, and the off switch. */
class HotKeyTrackerTest {
    private static final List<ShardId> SHARDS = List.of(ShardId.of("s0"), ShardId.of("s1"), ShardId.of("s2"), ShardId.of("s3"));
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);

    @Test
    void eightThreadsLoseNoCall() throws Exception {
        HotKeyTracker tracker = new HotKeyTracker(HotKeys.Settings.DEFAULTS.withSampleEvery(1));
        int perThread = 50_000;
        run8(t -> {
            for (int i = 0; i < perThread; i++) {
                long key = i % 40; // 40 keys: fewer than the capacity, so every count is exact
                tracker.record(key, SHARDS.get((int) (key % 4)));
            }
        });
        HotKeys seen = tracker.snapshot(SHARDS);
        assertEquals(8L * perThread, seen.sampledCalls());
        assertEquals(40, seen.top().size());
        for (HotKeys.Key k : seen.top()) {
            assertEquals(8L * perThread / 40, k.sampledCount(), k.key());
            assertEquals(0, k.errorBound());
            assertEquals(SHARDS.get((int) (Long.parseLong(k.key()) % 4)), k.shard());
        }
        for (HotKeys.ShardCalls s : seen.shards()) {
            assertEquals(8L * perThread / 4, s.routedCalls(), s.shard().value());
            assertEquals(8L * perThread / 4, s.windowCalls(), s.shard().value());
        }
        assertEquals(1.0, seen.imbalance(), 1e-9);
    }

    @Test
    void sampledEightThreadsStillCountEveryCallPerShardAndOneInSixteenKeys() throws Exception {
        HotKeyTracker tracker = new HotKeyTracker(HotKeys.Settings.DEFAULTS); // 1 in 16
        int perThread = 100_000;
        run8(t -> {
            for (int i = 0; i < perThread; i++) tracker.record((Object) ("tenant-" + (i % 10)), SHARDS.get(i % 4));
        });
        HotKeys seen = tracker.snapshot(SHARDS);
        long calls = 8L * perThread;
        assertEquals(calls, seen.shards().stream().mapToLong(HotKeys.ShardCalls::routedCalls).sum());
        // 800,000 Bernoulli(1/16) draws: mean 50,000, sd ≈ 217; 10 sd either side.
        assertTrue(Math.abs(seen.sampledCalls() - calls / 16) < 2_200, "sampled " + seen.sampledCalls());
        assertEquals(seen.sampledCalls(), seen.top().stream().mapToLong(HotKeys.Key::sampledCount).sum());
        for (HotKeys.Key k : seen.top()) {
            assertEquals(k.sampledCount() * 16, k.estimatedCalls());
            assertEquals(0.1, k.share(), 0.02, k.key());
        }
    }

    @Test
    void theWindowForgetsCallsOlderThanItAndImbalanceFollowsTheWindow() {
        AtomicLong nanos = new AtomicLong(1_000_000_000L);
        HotKeys.Settings settings = HotKeys.Settings.DEFAULTS.withSampleEvery(1)
                .withWindow(Duration.ofSeconds(30), Duration.ofSeconds(10));
        HotKeyTracker tracker = new HotKeyTracker(settings, CLOCK, nanos::get);
        for (int i = 0; i < 900; i++) tracker.record(7L, SHARDS.get(0)); // all on s0
        for (int i = 0; i < 100; i++) tracker.record(i, SHARDS.get(1 + i % 3));
        HotKeys early = tracker.snapshot(SHARDS);
        assertEquals(900 / (1000 / 4.0), early.imbalance(), 1e-9); // 3.6
        assertEquals(CLOCK.instant(), early.takenAt());

        nanos.addAndGet(Duration.ofSeconds(35).toNanos()); // 3.5 buckets on: the first bucket left the window
        for (int i = 0; i < 400; i++) tracker.record(i, SHARDS.get(i % 4)); // even
        HotKeys later = tracker.snapshot(SHARDS);
        assertEquals(List.of(1000L, 134L, 133L, 133L), later.shards().stream().map(HotKeys.ShardCalls::routedCalls).toList());
        assertEquals(List.of(100L, 100L, 100L, 100L), later.shards().stream().map(HotKeys.ShardCalls::windowCalls).toList());
        assertEquals(1.0, later.imbalance(), 1e-9);
        assertEquals("7", later.top().get(0).key(), "top keys count since the start, not over the window");
    }

    @Test
    void offRecordsNothingAndSaysSo() {
        HotKeyTracker tracker = new HotKeyTracker(HotKeys.Settings.OFF, CLOCK, System::nanoTime);
        tracker.record(1L, SHARDS.get(0));
        tracker.record((Object) "x", SHARDS.get(0));
        HotKeys seen = tracker.snapshot(SHARDS);
        assertFalse(seen.enabled());
        assertEquals(List.of(), seen.top());
        assertEquals(List.of(), seen.shards());
        assertEquals(0, seen.sampledCalls());
        assertEquals(0.0, seen.imbalance());
        assertEquals("HotKeys[disabled, 0 keys of 0 sampled calls (1 in 16), 0 shards, imbalance 0.00 over PT1M, at "
                + "2026-03-01T12:00:00Z]", seen.toString());
    }

    @Test
    void settingsRefuseImpossibleValuesNamingThem() {
        HotKeys.Settings d = HotKeys.Settings.DEFAULTS;
        assertEquals("hotKeys.capacity must be 1 to 65536: 0",
                assertThrows(IllegalArgumentException.class, () -> d.withCapacity(0)).getMessage());
        assertEquals("hotKeys.sampleEvery must be positive (1 samples every call): 0",
                assertThrows(IllegalArgumentException.class, () -> d.withSampleEvery(0)).getMessage());
        assertEquals("hotKeys.window must be 1 to 1000 whole buckets of PT10S: PT25S",
                assertThrows(IllegalArgumentException.class,
                        () -> d.withWindow(Duration.ofSeconds(25), Duration.ofSeconds(10))).getMessage());
        assertFalse(HotKeys.Settings.OFF.enabled());
        assertTrue(HotKeys.Settings.OFF.on().enabled());
    }

    private interface Work {
        void run(int thread) throws Exception;
    }

    private static void run8(Work work) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    go.await();
                    work.run(thread);
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) f.get();
        } finally {
            pool.shutdown();
        }
    }
}
