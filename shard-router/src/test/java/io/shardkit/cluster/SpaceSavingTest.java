package io.shardkit.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkit.router.ShardId;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The Space-Saving sketch against exact counts: heavy hitters found, every count within its error bound. */
class SpaceSavingTest {
    private static final ShardId S0 = ShardId.of("s0");

    @Test
    void findsTheTopFiveOfAZipfStreamWithinItsErrorBounds() {
        long[] stream = zipf(200_000, 20_000, 1.1, 42);
        SpaceSaving sketch = new SpaceSaving(64);
        Map<Long, Long> exact = new HashMap<>();
        for (long key : stream) {
            sketch.offer(key, S0);
            exact.merge(key, 1L, Long::sum);
        }
        SpaceSaving.Top top = sketch.top();
        assertEquals(stream.length, top.total());
        assertEquals(64, top.keys().size());

        List<String> trueTop5 = exact.entrySet().stream()
                .sorted(Map.Entry.<Long, Long>comparingByValue().reversed()).limit(5)
                .map(e -> Long.toString(e.getKey())).toList();
        assertEquals(trueTop5, top.keys().stream().limit(5).map(SpaceSaving.Counted::key).toList());

        long countSum = 0;
        for (SpaceSaving.Counted c : top.keys()) {
            long truth = exact.get(Long.parseLong(c.key()));
            assertTrue(c.count() - c.error() <= truth && truth <= c.count(),
                    c.key() + ": true " + truth + " outside [" + (c.count() - c.error()) + ", " + c.count() + "]");
            countSum += c.count();
        }
        assertEquals(stream.length, countSum, "Space-Saving's counters add up to the stream's length");
        // Every key above total/capacity is kept (the sketch's guarantee).
        exact.forEach((key, n) -> {
            if (n > stream.length / 64) {
                assertTrue(top.keys().stream().anyMatch(c -> c.key().equals(Long.toString(key))), key + " (" + n + ") missing");
            }
        });
    }

    @Test
    void aNewKeyTakesTheSmallestCounterAndInheritsItAsItsError() {
        SpaceSaving sketch = new SpaceSaving(3);
        offer(sketch, "a", 5);
        offer(sketch, "b", 3);
        offer(sketch, "c", 1);
        offer(sketch, "d", 1); // evicts c (1): d = 2, error 1
        offer(sketch, "b", 1); // b = 4
        offer(sketch, "e", 1); // evicts d (2, the smallest now): e = 3, error 2
        assertEquals(List.of(new SpaceSaving.Counted("a", S0, 5, 0), new SpaceSaving.Counted("b", S0, 4, 0),
                new SpaceSaving.Counted("e", S0, 3, 2)), sketch.top().keys());
    }

    @Test
    void keysOfEveryTypeAreKeptAsTextAndBytesAreCopied() {
        SpaceSaving sketch = new SpaceSaving(8);
        byte[] bytes = {0x0a, (byte) 0xff};
        UUID uuid = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
        sketch.offer(bytes, S0);
        bytes[0] = 0x00; // the caller reuses its array: the kept key must not change, and it is a different key now
        sketch.offer(bytes, S0);
        sketch.offer(new byte[] {0x0a, (byte) 0xff}, S0);
        sketch.offer(uuid, S0);
        sketch.offer("tenant-7", S0);
        sketch.offer(Instant.parse("2026-01-02T03:04:05Z"), S0);
        sketch.offer(-42L, ShardId.of("s1"));
        Map<String, Long> byKey = new HashMap<>();
        sketch.top().keys().forEach(c -> byKey.put(c.key(), c.count()));
        assertEquals(Map.of("0aff", 2L, "00ff", 1L, uuid.toString(), 1L, "tenant-7", 1L, "2026-01-02T03:04:05Z", 1L,
                "-42", 1L), byKey);
        assertEquals(ShardId.of("s1"), sketch.top().keys().stream().filter(c -> c.key().equals("-42")).findFirst()
                .orElseThrow().shard());
    }

    @Test
    void aLongKeyAndAStringOfTheSameDigitsAreDifferentKeys() {
        SpaceSaving sketch = new SpaceSaving(4);
        sketch.offer(42L, S0);
        sketch.offer("42", S0);
        assertEquals(2, sketch.top().keys().size());
    }

    private static void offer(SpaceSaving sketch, String key, int times) {
        for (int i = 0; i < times; i++) sketch.offer(key, S0);
    }

    /** {@code n} draws from a Zipf law over keys 1..{@code keys} with exponent {@code s}, keys shuffled by a hash. */
    static long[] zipf(int n, int keys, double s, long seed) {
        double[] cumulative = new double[keys];
        double sum = 0;
        for (int k = 1; k <= keys; k++) {
            sum += 1 / Math.pow(k, s);
            cumulative[k - 1] = sum;
        }
        SplittableRandom random = new SplittableRandom(seed);
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            int at = java.util.Arrays.binarySearch(cumulative, random.nextDouble() * sum);
            int rank = at >= 0 ? at : -at - 1;
            out[i] = (rank + 1) * 7_919L + 1_000_003L; // not 1..n: a key's value says nothing of its rank
        }
        return out;
    }
}
