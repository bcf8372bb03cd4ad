package io.shardkit.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

@Timeout(60)
class RowIdGeneratorTest {

    static final Instant EPOCH = RowIdGenerator.DEFAULT_EPOCH;

    /** A clock that stands still until the test moves it, and counts how often it is read. */
    static final class FakeClock implements InstantSource {
        final AtomicLong millis;
        final AtomicInteger reads = new AtomicInteger();

        FakeClock(Instant start) {
            millis = new AtomicLong(start.toEpochMilli());
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis());
        }

        @Override
        public long millis() {
            reads.incrementAndGet();
            return millis.get();
        }

        void set(Instant t) {
            millis.set(t.toEpochMilli());
        }
    }

    final ExecutorService background = Executors.newSingleThreadExecutor();

    @AfterEach
    void stopBackground() {
        background.shutdownNow();
    }

    static RowIdGenerator generator(FakeClock clock, Duration maxBack) {
        return RowIdGenerator.builder().clock(clock).maxClockBackwardWait(maxBack).build();
    }

    static Instant at(long millisAfterEpoch) {
        return EPOCH.plusMillis(millisAfterEpoch);
    }

    static void assertFails(ShardException.Code code, String message, Executable call) {
        ShardException e = assertThrows(ShardException.class, call);
        assertEquals(message, e.getMessage());
        assertEquals(code, e.code());
    }

    /** Starts {@code next(shard)} on another thread and returns once it has polled the frozen clock 200 times. */
    Future<Long> nextWhileFrozen(RowIdGenerator ids, FakeClock clock, int shard) throws InterruptedException {
        int before = clock.reads.get();
        Future<Long> id = background.submit(() -> ids.next(shard));
        assertStillWaiting(id, clock, before);
        return id;
    }

    /** {@code id} is not done after the clock was read 200 more times than {@code before}. */
    static void assertStillWaiting(Future<Long> id, FakeClock clock, int before) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (clock.reads.get() - before < 200 && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertFalse(id.isDone(), "next() returned without waiting for the clock");
        assertTrue(clock.reads.get() - before >= 200, "next() did not poll the clock while waiting");
    }

    // --- concurrency -------------------------------------------------------------------------------------------

    @Test
    void aMillionIdsFromEightThreadsAreUniqueCarryTheirShardAndIncreasePerShard() throws Exception {
        int threads = 8;
        int perThread = 125_000;
        int[] shardNumbers = {0, 1, 4097, RowIds.MAX_SHARD_NUMBER}; // every thread uses every one: contention
        RowIdGenerator ids = RowIdGenerator.builder().build();
        long[][] made = new long[threads][perThread];
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CompletableFuture<?>[] done = new CompletableFuture<?>[threads];
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done[t] = CompletableFuture.runAsync(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    for (int i = 0; i < perThread; i++) {
                        made[thread][i] = ids.next(shardNumbers[(thread + i) % shardNumbers.length]);
                    }
                }, pool);
            }
            start.countDown();
            CompletableFuture.allOf(done).get(50, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }

        long[] all = new long[threads * perThread];
        for (int t = 0; t < threads; t++) {
            long[] lastPerShard = new long[shardNumbers.length];
            Arrays.fill(lastPerShard, Long.MIN_VALUE);
            for (int i = 0; i < perThread; i++) {
                int slot = (t + i) % shardNumbers.length;
                long id = made[t][i];
                if (RowIds.shardOf(id) != shardNumbers[slot]) {
                    fail("thread " + t + " id " + i + " carries shard " + RowIds.shardOf(id) + ", asked for "
                            + shardNumbers[slot]);
                }
                if (id <= lastPerShard[slot]) {
                    fail("thread " + t + ": id " + id + " for shard " + shardNumbers[slot] + " is not above its previous "
                            + lastPerShard[slot]);
                }
                lastPerShard[slot] = id;
                all[t * perThread + i] = id;
            }
        }
        Arrays.sort(all);
        for (int i = 1; i < all.length; i++) {
            if (all[i] == all[i - 1]) fail("duplicate id " + all[i]);
        }
        assertEquals(1_000_000, all.length);
    }

    // --- sequence overflow -------------------------------------------------------------------------------------

    @Test
    void the1025thIdInOneMillisecondWaitsForTheNextMillisecond() throws Exception {
        FakeClock clock = new FakeClock(at(1000));
        RowIdGenerator ids = generator(clock, Duration.ofSeconds(1));
        long[] made = new long[1026];
        for (int i = 0; i < 1024; i++) {
            made[i] = ids.next(7);
            assertEquals(1000, RowIds.millisOf(made[i]));
            assertEquals(i, RowIds.sequenceOf(made[i]));
        }
        Future<Long> waiting = nextWhileFrozen(ids, clock, 7);
        clock.set(at(1001));
        made[1024] = waiting.get(10, TimeUnit.SECONDS);
        made[1025] = ids.next(7);
        assertEquals(RowIds.compose(1001, 7, 0), made[1024]);
        assertEquals(RowIds.compose(1001, 7, 1), made[1025]);
        for (int i = 1; i < made.length; i++) {
            assertTrue(made[i] > made[i - 1], "id " + i + " is not above id " + (i - 1));
        }
    }

    @Test
    void aFullMillisecondOnOneShardNumberDoesNotHoldUpAnother() {
        FakeClock clock = new FakeClock(at(1000));
        RowIdGenerator ids = generator(clock, Duration.ofSeconds(1));
        for (int i = 0; i < 1024; i++) ids.next(7);
        assertEquals(RowIds.compose(1000, 8, 0), ids.next(8));
    }

    @Test
    void anInterruptedWaitFailsAndKeepsTheInterruptStatus() throws Exception {
        FakeClock clock = new FakeClock(at(1000));
        RowIdGenerator ids = generator(clock, Duration.ofSeconds(1));
        for (int i = 0; i < 1024; i++) ids.next(7);
        Future<Boolean> interruptedAfter = background.submit(() -> {
            Thread.currentThread().interrupt();
            ShardException e = assertThrows(ShardException.class, () -> ids.next(7));
            assertEquals("interrupted while waiting for the clock to issue an id for shard number 7 — no id was"
                    + " issued; the interrupt status is kept", e.getMessage());
            assertEquals(ShardException.Code.CLOCK, e.code());
            return Thread.currentThread().isInterrupted();
        });
        assertTrue(interruptedAfter.get(10, TimeUnit.SECONDS));
        clock.set(at(1001));
        assertEquals(RowIds.compose(1001, 7, 0), ids.next(7)); // the failed call consumed nothing
    }

    // --- clock stepping back -----------------------------------------------------------------------------------

    @Test
    void aStepBackWithinTheBoundIsWaitedOutWithoutARepeat() throws Exception {
        FakeClock clock = new FakeClock(at(5000));
        RowIdGenerator ids = generator(clock, Duration.ofMillis(500));
        long before = ids.next(7);
        clock.set(at(4900));
        Future<Long> waiting = nextWhileFrozen(ids, clock, 7);
        int reads = clock.reads.get();
        clock.set(at(4999));
        assertStillWaiting(waiting, clock, reads); // closer, but still behind the last id
        clock.set(at(5000));
        long after = waiting.get(10, TimeUnit.SECONDS);
        assertEquals(RowIds.compose(5000, 7, 1), after); // continues the millisecond it had reached
        assertTrue(after > before);
        clock.set(at(5001));
        assertEquals(RowIds.compose(5001, 7, 0), ids.next(7));
    }

    @Test
    void aStepBackOnlyHoldsShardNumbersWithIdsInTheClocksFuture() {
        FakeClock clock = new FakeClock(at(5000));
        RowIdGenerator ids = generator(clock, Duration.ofMillis(500));
        ids.next(7);
        clock.set(at(4900));
        assertEquals(RowIds.compose(4900, 8, 0), ids.next(8));
    }

    @Test
    void aStepBackBeyondTheBoundFailsAtOnce() {
        FakeClock clock = new FakeClock(at(5000));
        RowIdGenerator ids = generator(clock, Duration.ofMillis(500));
        long before = ids.next(7);
        clock.set(at(3500));
        assertFails(ShardException.Code.CLOCK, "the clock went back 1500 ms (it reads 2026-01-01T00:00:03.500Z;"
                + " shard number 7 already has an id from 2026-01-01T00:00:05Z) — more than maxClockBackwardWait"
                + " (500 ms), so no id was issued and none repeats; fix the host's time sync, or raise"
                + " maxClockBackwardWait to wait out such steps", () -> ids.next(7));
        clock.set(at(5000));
        assertEquals(before + 1, ids.next(7));
    }

    @Test
    void withNoWaitAnyStepBackFails() {
        FakeClock clock = new FakeClock(at(5000));
        RowIdGenerator ids = generator(clock, Duration.ZERO);
        ids.next(0);
        clock.set(at(4999));
        assertFails(ShardException.Code.CLOCK, "the clock went back 1 ms (it reads 2026-01-01T00:00:04.999Z;"
                + " shard number 0 already has an id from 2026-01-01T00:00:05Z) — more than maxClockBackwardWait"
                + " (0 ms), so no id was issued and none repeats; fix the host's time sync, or raise"
                + " maxClockBackwardWait to wait out such steps", () -> ids.next(0));
    }

    @Test
    void aClockThatDoesNotCatchUpWithinTheBoundFails() {
        FakeClock clock = new FakeClock(at(5000));
        RowIdGenerator ids = generator(clock, Duration.ofMillis(200));
        ids.next(7);
        clock.set(at(4900));
        long started = System.nanoTime();
        assertFails(ShardException.Code.CLOCK, "the clock went back 100 ms (it reads 2026-01-01T00:00:04.900Z;"
                + " shard number 7 already has an id from 2026-01-01T00:00:05Z) and did not catch up within"
                + " maxClockBackwardWait (200 ms), so no id was issued and none repeats; check the host's time sync",
                () -> ids.next(7));
        long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertTrue(waitedMillis >= 200, "gave up after " + waitedMillis + " ms");
    }

    // --- layout and time range ---------------------------------------------------------------------------------

    @Test
    void goldenIds() {
        // Instagram's worked example: 1387263000 ms after the epoch, shard 1341, sequence 5001 % 1024 = 905
        FakeClock clock = new FakeClock(Instant.parse("2011-01-17T01:21:03Z"));
        RowIdGenerator instagram = RowIdGenerator.builder()
                .epoch(Instant.parse("2011-01-01T00:00:00Z")).clock(clock).build();
        long id = 0;
        for (int i = 0; i <= 905; i++) id = instagram.next(1341);
        assertEquals(11637205501278089L, id);
        assertEquals(Instant.parse("2011-01-17T01:21:03Z"), instagram.timestampOf(id));

        FakeClock clock2 = new FakeClock(at(1234));
        RowIdGenerator ids = RowIdGenerator.builder().clock(clock2).build();
        assertEquals(10355966976L, ids.next(4321));
        assertEquals(10355966977L, ids.next(4321));

        // the last millisecond the layout holds: every bit but the sequence set
        clock2.set(Instant.parse("2095-09-07T15:47:35.551Z"));
        assertEquals(-1024L, ids.next(RowIds.MAX_SHARD_NUMBER));
        assertEquals(Instant.parse("2095-09-07T15:47:35.551Z"), ids.timestampOf(-1024L));
    }

    @Test
    void idsTurnNegative2ToThe40MillisecondsAfterTheEpoch() {
        FakeClock clock = new FakeClock(Instant.parse("2060-11-03T19:53:47.775Z"));
        RowIdGenerator ids = RowIdGenerator.builder().clock(clock).build();
        long last = ids.next(0);
        clock.set(Instant.parse("2060-11-03T19:53:47.776Z"));
        long first = ids.next(0);
        assertEquals(Long.MAX_VALUE - RowIds.MAX_SHARD_NUMBER * 1024L - RowIds.MAX_SEQUENCE, last);
        assertEquals(Long.MIN_VALUE, first);
        assertTrue(Long.compareUnsigned(first, last) > 0);
    }

    @Test
    void aClockBeforeTheEpochFails() {
        FakeClock clock = new FakeClock(EPOCH.minusMillis(1));
        RowIdGenerator ids = RowIdGenerator.builder().clock(clock).build();
        assertFails(ShardException.Code.CLOCK, "the clock reads 2025-12-31T23:59:59.999Z, before the id epoch"
                + " 2026-01-01T00:00:00Z — ids count milliseconds from the epoch; fix the clock, or build the generator"
                + " with an earlier epoch", () -> ids.next(0));
    }

    @Test
    void aClockPastTheTimestampRangeFails() {
        FakeClock clock = new FakeClock(Instant.parse("2095-09-07T15:47:35.552Z"));
        RowIdGenerator ids = RowIdGenerator.builder().clock(clock).build();
        assertFails(ShardException.Code.CLOCK, "the clock reads 2095-09-07T15:47:35.552Z, past"
                + " 2095-09-07T15:47:35.551Z, the last millisecond a 41-bit timestamp from the epoch"
                + " 2026-01-01T00:00:00Z can hold — no id can be issued; check the clock", () -> ids.next(0));
    }

    @Test
    void shardNumbersOutside0To8191AreRefused() {
        RowIdGenerator ids = RowIdGenerator.builder().clock(new FakeClock(at(0))).build();
        assertFails(ShardException.Code.KEY, "shard number -1 is outside 0..8191 — ids hold 13 bits of shard number;"
                + " map the shard to a number in that range", () -> ids.next(-1));
        assertFails(ShardException.Code.KEY, "shard number 8192 is outside 0..8191 — ids hold 13 bits of shard number;"
                + " map the shard to a number in that range", () -> ids.next(8192));
        assertEquals(RowIds.compose(0, 8191, 0), ids.next(8191));
        assertEquals(RowIds.compose(0, 0, 0), ids.next(0));
    }

    // --- builder -----------------------------------------------------------------------------------------------

    @Test
    void defaults() {
        RowIdGenerator ids = RowIdGenerator.builder().build();
        assertEquals(Instant.parse("2026-01-01T00:00:00Z"), ids.epoch());
        assertEquals(Duration.ofSeconds(1), ids.maxClockBackwardWait());
        assertEquals("RowIdGenerator[epoch=2026-01-01T00:00:00Z, maxClockBackwardWait=1000 ms]", ids.toString());
        long before = System.currentTimeMillis();
        long id = ids.next(3);
        long after = System.currentTimeMillis();
        long made = ids.timestampOf(id).toEpochMilli();
        assertTrue(made >= before && made <= after, "id made at " + made + ", not within [" + before + ", " + after + "]");
    }

    @Test
    void badSettingsAreRefusedAtBuild() {
        assertFails(ShardException.Code.CONFIG, "maxClockBackwardWait PT-0.001S is outside PT0S..PT1M — use"
                + " Duration.ZERO to never wait, or up to one minute",
                () -> RowIdGenerator.builder().maxClockBackwardWait(Duration.ofMillis(-1)).build());
        assertFails(ShardException.Code.CONFIG, "maxClockBackwardWait PT1M0.001S is outside PT0S..PT1M — use"
                + " Duration.ZERO to never wait, or up to one minute",
                () -> RowIdGenerator.builder().maxClockBackwardWait(Duration.ofMillis(60_001)).build());
        assertFails(ShardException.Code.CONFIG, "epoch 2026-01-01T00:00:00.000500Z has a fraction of a millisecond"
                + " — ids count whole milliseconds; use an epoch in whole milliseconds, e.g. 2026-01-01T00:00:00Z",
                () -> RowIdGenerator.builder().epoch(EPOCH.plusNanos(500_000)).build());
        assertFails(ShardException.Code.CONFIG, "epoch 1969-12-31T23:59:59Z is before 1970-01-01T00:00:00Z — choose"
                + " an epoch shortly before the first id, e.g. 2026-01-01T00:00:00Z",
                () -> RowIdGenerator.builder().epoch(Instant.EPOCH.minusSeconds(1)).build());
        assertFails(ShardException.Code.CONFIG, "epoch +292278994-08-17T07:12:56Z is too far in the"
                + " future to count in milliseconds — choose an epoch shortly before the first id, e.g."
                + " 2026-01-01T00:00:00Z", () -> RowIdGenerator.builder().epoch(Instant.ofEpochSecond(Long.MAX_VALUE / 1000 + 1)).build());
        assertEquals(Duration.ofMinutes(1),
                RowIdGenerator.builder().maxClockBackwardWait(Duration.ofMinutes(1)).build().maxClockBackwardWait());
    }

    @Test
    void nullSettingsAreRefused() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> RowIdGenerator.builder().clock(null));
        assertEquals("clock", e.getMessage());
        e = assertThrows(NullPointerException.class, () -> RowIdGenerator.builder().epoch(null));
        assertEquals("epoch", e.getMessage());
        e = assertThrows(NullPointerException.class, () -> RowIdGenerator.builder().maxClockBackwardWait(null));
        assertEquals("maxClockBackwardWait", e.getMessage());
    }
}
