package io.shardkit.router;

import static io.shardkit.router.RangeStrategy.Bound.UNBOUNDED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.shardkit.router.RangeStrategy.Bound;
import io.shardkit.router.RangeStrategy.Range;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class RangeStrategyTest {

    static final ShardId S0 = ShardId.of("s0");
    static final ShardId S1 = ShardId.of("s1");
    static final ShardId S2 = ShardId.of("s2");

    static Bound at(Comparable<?> value) {
        return Bound.of(value);
    }

    static Range range(ShardId shard, Bound from, Bound to) {
        return new Range(shard, from, to);
    }

    static RangeStrategy strategy(ShardKeyType type, Range... ranges) {
        return new RangeStrategy(type, List.of(ranges));
    }

    static ShardException fails(ShardException.Code code, Executable call) {
        ShardException e = assertThrows(ShardException.class, call);
        assertEquals(code, e.code(), e.getMessage());
        return e;
    }

    static void assertKeyError(String expected, Executable call) {
        assertEquals(expected, fails(ShardException.Code.KEY, call).getMessage());
    }

    static void assertConfigError(String expected, ShardKeyType type, Range... ranges) {
        assertEquals(expected, fails(ShardException.Code.CONFIG, () -> strategy(type, ranges)).getMessage());
    }

    // --- long keys --------------------------------------------------------------------------------------------

    /** (-inf, 0) → s0, [0, 1000) → s1, [1000, +inf) → s2 */
    static final RangeStrategy OPEN_LONGS = strategy(ShardKeyType.LONG,
            range(S0, UNBOUNDED, at(0L)), range(S1, at(0L), at(1000L)), range(S2, at(1000L), UNBOUNDED));

    @Test
    void longBoundariesAreFromInclusiveToExclusive() {
        assertEquals(S0, OPEN_LONGS.shardFor(-1L));
        assertEquals(S1, OPEN_LONGS.shardFor(0L));
        assertEquals(S1, OPEN_LONGS.shardFor(999L));
        assertEquals(S2, OPEN_LONGS.shardFor(1000L));
        assertEquals(S2, OPEN_LONGS.shardFor(1001L));
    }

    @Test
    void openEndsReachLongMinAndMax() {
        assertEquals(S0, OPEN_LONGS.shardFor(Long.MIN_VALUE));
        assertEquals(S0, OPEN_LONGS.shardFor(Long.MIN_VALUE + 1));
        assertEquals(S2, OPEN_LONGS.shardFor(Long.MAX_VALUE));
        assertEquals(S2, OPEN_LONGS.shardFor(Long.MAX_VALUE - 1));
        assertEquals(S0, OPEN_LONGS.shardFor((Object) Long.MIN_VALUE));
        assertEquals(S2, OPEN_LONGS.shardFor((Object) Long.MAX_VALUE));
    }

    @Test
    void longMinAndMaxAsDeclaredBounds() {
        RangeStrategy s = strategy(ShardKeyType.LONG, range(S0, at(Long.MIN_VALUE), at(0L)), range(S1, at(0L), at(Long.MAX_VALUE)));
        assertEquals(S0, s.shardFor(Long.MIN_VALUE));
        assertEquals(S1, s.shardFor(Long.MAX_VALUE - 1));
        // 'to' is exclusive even at Long.MAX_VALUE: only 'unbounded' reaches it
        assertKeyError("key 9223372036854775807 is outside every range: it is at or above the end of the last range "
                        + "[0, 9223372036854775807) on shard s1 — add a range above it, or declare its 'to' unbounded",
                () -> s.shardFor(Long.MAX_VALUE));
    }

    @Test
    void singleRangeOpenAtBothEndsTakesEveryKey() {
        RangeStrategy all = strategy(ShardKeyType.LONG, range(S1, UNBOUNDED, UNBOUNDED));
        for (long key : new long[] {Long.MIN_VALUE, -1, 0, 1, Long.MAX_VALUE}) {
            assertEquals(S1, all.shardFor(key));
        }
        assertEquals(List.of(S1), all.shards());
    }

    @Test
    void keyOutsideBoundedRangesNamesTheKeyAndTheNeighbouringRange() {
        RangeStrategy closed = strategy(ShardKeyType.LONG, range(S0, at(0L), at(100L)), range(S1, at(100L), at(200L)));
        String below = "key -1 is outside every range: it is below the first range [0, 100) on shard s0 — add a range "
                + "below it, or declare its 'from' unbounded";
        String above = "key 200 is outside every range: it is at or above the end of the last range [100, 200) on "
                + "shard s1 — add a range above it, or declare its 'to' unbounded";
        assertKeyError(below, () -> closed.shardFor(-1L));
        assertKeyError(below, () -> closed.shardFor((Object) (-1L)));
        assertKeyError(below, () -> closed.shardFor((Object) (-1))); // int, widened
        assertKeyError(above, () -> closed.shardFor(200L));
        assertKeyError(above, () -> closed.shardFor((Object) 200L));
        assertKeyError(above.replace("key 200", "key " + Long.MAX_VALUE), () -> closed.shardFor(Long.MAX_VALUE));
        assertKeyError(below.replace("key -1", "key " + Long.MIN_VALUE), () -> closed.shardFor(Long.MIN_VALUE));
        assertEquals(S0, closed.shardFor(0L));
        assertEquals(S1, closed.shardFor(199L));
    }

    @Test
    void aKeyRangeOverlapsOnlyTheShardsThatCanHoldItsKeys() {
        RangeScannable scannable = OPEN_LONGS; // what a fan-out sees: the capability, not the class
        assertEquals(List.of(S1), scannable.shardsOverlapping(0L, 999L));
        assertEquals(List.of(S0, S1), scannable.shardsOverlapping(-5, 0)); // ints widen; both ends inclusive
        assertEquals(List.of(S1, S2), scannable.shardsOverlapping(999L, 1000L));
        assertEquals(List.of(S0, S1, S2), scannable.shardsOverlapping(Long.MIN_VALUE, Long.MAX_VALUE));
        assertKeyError("this range strategy routes long keys and cannot route a string key — pass a long key",
                () -> scannable.shardsOverlapping("a", "b"));
    }

    @Test
    void intKeysRouteLikeLongKeys() {
        for (int key : new int[] {Integer.MIN_VALUE, -1, 0, 1, 999, 1000, Integer.MAX_VALUE}) {
            assertEquals(OPEN_LONGS.shardFor((long) key), OPEN_LONGS.shardFor((Object) key), "key " + key);
        }
    }

    // --- string keys ------------------------------------------------------------------------------------------

    @Test
    void stringRangesCompareByCodeUnits() {
        RangeStrategy s = strategy(ShardKeyType.STRING,
                range(S0, UNBOUNDED, at("g")), range(S1, at("g"), at("p")), range(S2, at("p"), UNBOUNDED));
        assertEquals(S0, s.shardFor(""));
        assertEquals(S0, s.shardFor("a"));
        assertEquals(S0, s.shardFor("fzzzz"));
        assertEquals(S1, s.shardFor("g"));
        assertEquals(S1, s.shardFor("g\u0000"));
        assertEquals(S1, s.shardFor("ozzzz"));
        assertEquals(S2, s.shardFor("p"));
        assertEquals(S2, s.shardFor("\uffff"));
        assertEquals(S0, s.shardFor("Zebra"), "upper case sorts before lower case, unlike most collations");
    }

    @Test
    void stringKeyOutsideTheRanges() {
        RangeStrategy s = strategy(ShardKeyType.STRING, range(S0, at("b"), at("m")), range(S1, at("m"), at("t")));
        assertKeyError("key a is outside every range: it is below the first range [b, m) on shard s0 — add a range "
                + "below it, or declare its 'from' unbounded", () -> s.shardFor("a"));
        assertKeyError("key t is outside every range: it is at or above the end of the last range [m, t) on shard s1 — "
                + "add a range above it, or declare its 'to' unbounded", () -> s.shardFor("t"));
        assertEquals(S0, s.shardFor("b"));
        assertEquals(S1, s.shardFor("sz"));
    }

    // --- instant keys -----------------------------------------------------------------------------------------

    @Test
    void instantRanges() {
        Instant h1 = Instant.parse("2024-01-01T00:00:00Z");
        Instant h2 = Instant.parse("2024-07-01T00:00:00Z");
        Instant end = Instant.parse("2025-01-01T00:00:00Z");
        RangeStrategy s = strategy(ShardKeyType.INSTANT, range(S0, at(h1), at(h2)), range(S1, at(h2), at(end)));
        assertEquals(S0, s.shardFor(h1));
        assertEquals(S0, s.shardFor(h2.minusNanos(1)));
        assertEquals(S1, s.shardFor(h2));
        assertEquals(S1, s.shardFor(end.minusNanos(1)));
        assertKeyError("key 2025-01-01T00:00:00Z is outside every range: it is at or above the end of the last range "
                + "[2024-07-01T00:00:00Z, 2025-01-01T00:00:00Z) on shard s1 — add a range above it, or declare its 'to' "
                + "unbounded", () -> s.shardFor(end));
        assertKeyError("key 2023-12-31T23:59:59.999999999Z is outside every range: it is below the first range "
                + "[2024-01-01T00:00:00Z, 2024-07-01T00:00:00Z) on shard s0 — add a range below it, or declare its "
                + "'from' unbounded", () -> s.shardFor(h1.minusNanos(1)));
    }

    @Test
    void openInstantRangesReachTheExtremes() {
        Instant cut = Instant.parse("2024-01-01T00:00:00Z");
        RangeStrategy s = strategy(ShardKeyType.INSTANT, range(S0, UNBOUNDED, at(cut)), range(S1, at(cut), UNBOUNDED));
        assertEquals(S0, s.shardFor(Instant.MIN));
        assertEquals(S1, s.shardFor(Instant.MAX));
    }

    // --- wrong keys -------------------------------------------------------------------------------------------

    @Test
    void wrongKeyTypeSaysWhichTypeToPass() {
        assertKeyError("this range strategy routes long keys and cannot route a string key — pass a long key",
                () -> OPEN_LONGS.shardFor("42"));
        assertKeyError("this range strategy routes long keys and cannot route an instant key — pass a long key",
                () -> OPEN_LONGS.shardFor(Instant.EPOCH));
        RangeStrategy strings = strategy(ShardKeyType.STRING, range(S0, UNBOUNDED, UNBOUNDED));
        assertKeyError("this range strategy routes string keys and cannot route a long key — pass a string key",
                () -> strings.shardFor(42L));
        assertKeyError("this range strategy routes string keys and cannot route a long key — pass a string key",
                () -> strings.shardFor((Object) 42));
        assertKeyError("this range strategy routes string keys and cannot route a uuid key — pass a string key",
                () -> strings.shardFor(new UUID(1, 2)));
    }

    @Test
    void nullAndUnsupportedKeys() {
        assertKeyError("shard key is null — pass the value that decides the shard (long, int, String, UUID, byte[] or "
                + "Instant)", () -> OPEN_LONGS.shardFor((Object) null));
        assertKeyError("shard key of type java.math.BigDecimal is not supported — use long, int, String, UUID, byte[] "
                + "or (for range strategies) Instant", () -> OPEN_LONGS.shardFor(java.math.BigDecimal.ONE));
    }

    // --- declaration ------------------------------------------------------------------------------------------

    @Test
    void rangesDeclaredOutOfOrderAreSorted() {
        RangeStrategy shuffled = strategy(ShardKeyType.LONG,
                range(S2, at(1000L), UNBOUNDED), range(S0, UNBOUNDED, at(0L)), range(S1, at(0L), at(1000L)));
        assertEquals(OPEN_LONGS.ranges(), shuffled.ranges());
        assertEquals(List.of(S0, S1, S2), shuffled.shards());
        for (long key : new long[] {Long.MIN_VALUE, -1, 0, 999, 1000, Long.MAX_VALUE}) {
            assertEquals(OPEN_LONGS.shardFor(key), shuffled.shardFor(key), "key " + key);
        }
        assertEquals("range(long, 3 ranges)", shuffled.describe());
    }

    @Test
    void aShardMayOwnSeveralRanges() {
        RangeStrategy s = strategy(ShardKeyType.LONG,
                range(S0, at(0L), at(10L)), range(S1, at(10L), at(20L)), range(S0, at(20L), at(30L)));
        assertEquals(List.of(S0, S1), s.shards());
        assertEquals(S0, s.shardFor(25L));
    }

    @Test
    void invalidDeclarations() {
        assertConfigError("gap between range [0, 10) on shard s0 and range [20, 30) on shard s1: keys from 10 to 20 have "
                        + "no shard — make each range's 'from' equal the previous range's 'to'", ShardKeyType.LONG,
                range(S1, at(20L), at(30L)), range(S0, at(0L), at(10L)));
        assertConfigError("range [0, 15) on shard s0 overlaps range [10, 30) on shard s1 — make each range's 'from' equal "
                        + "the previous range's 'to'", ShardKeyType.LONG,
                range(S0, at(0L), at(15L)), range(S1, at(10L), at(30L)));
        assertConfigError("range [5, 5) on shard s0 is empty — 'from' must be below 'to' (from is inclusive, to "
                + "exclusive)", ShardKeyType.LONG, range(S0, at(5L), at(5L)));
        assertConfigError("range [b, a) on shard s0 is empty — 'from' must be below 'to' (from is inclusive, to "
                + "exclusive)", ShardKeyType.STRING, range(S0, at("b"), at("a")));
        assertConfigError("range [0, unbounded) on shard s0 is unbounded above but is not the last range — it overlaps "
                        + "[10, 20) on shard s1", ShardKeyType.LONG,
                range(S0, at(0L), UNBOUNDED), range(S1, at(10L), at(20L)));
        assertConfigError("range [unbounded, 20) on shard s1 is unbounded below but is not the first range — only the "
                        + "lowest range may be", ShardKeyType.LONG,
                range(S0, UNBOUNDED, at(10L)), range(S1, UNBOUNDED, at(20L)));
        assertConfigError("range strategy needs at least one range", ShardKeyType.LONG);
        assertConfigError("range strategy keys must be long, string or instant, not uuid", ShardKeyType.UUID,
                range(S0, UNBOUNDED, UNBOUNDED));
        // int bounds are not widened: the configuration should say what it means
        assertConfigError("range [0, 10) on shard s0 has a bound of type Integer but the strategy's keys are long",
                ShardKeyType.LONG, range(S0, at(0), at(10L)));
        assertConfigError("range [a, 10) on shard s0 has a bound of type String but the strategy's keys are long",
                ShardKeyType.LONG, range(S0, at("a"), at(10L)));
    }

    // --- property: binary search agrees with a linear scan ----------------------------------------------------

    @Test
    void longRoutingMatchesALinearScan() {
        for (long seed = 1; seed <= 200; seed++) {
            Random random = new Random(seed);
            TreeSet<Long> cuts = new TreeSet<>();
            int n = 1 + random.nextInt(8);
            boolean wide = random.nextBoolean();
            while (cuts.size() < n + 1) {
                cuts.add(wide ? random.nextLong() : (long) random.nextInt(2001) - 1000);
            }
            List<Long> points = new ArrayList<>(cuts);
            boolean openBelow = random.nextBoolean();
            boolean openAbove = random.nextBoolean();
            List<Range> ranges = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Bound from = i == 0 && openBelow ? UNBOUNDED : at(points.get(i));
                Bound to = i == n - 1 && openAbove ? UNBOUNDED : at(points.get(i + 1));
                ranges.add(range(ShardId.of("s" + random.nextInt(4)), from, to));
            }
            List<Range> declared = new ArrayList<>(ranges);
            Collections.shuffle(declared, random);
            RangeStrategy strategy = new RangeStrategy(ShardKeyType.LONG, declared);

            List<Long> keys = new ArrayList<>(List.of(Long.MIN_VALUE, Long.MAX_VALUE, 0L));
            for (long p : points) {
                keys.addAll(List.of(p - 1, p, p + 1));
            }
            for (int i = 0; i < 200; i++) {
                keys.add(wide ? random.nextLong() : (long) random.nextInt(2401) - 1200);
            }
            for (long key : keys) {
                ShardId expected = linearScan(ranges, key);
                String context = "seed " + seed + ", key " + key + ", ranges " + ranges;
                if (expected == null) {
                    assertEquals(ShardException.Code.KEY, fails(ShardException.Code.KEY, () -> strategy.shardFor(key)).code());
                    fails(ShardException.Code.KEY, () -> strategy.shardFor((Object) key));
                } else {
                    assertEquals(expected, strategy.shardFor(key), context);
                    assertEquals(expected, strategy.shardFor((Object) key), context);
                }
            }
        }
    }

    @Test
    void stringRoutingMatchesALinearScan() {
        for (long seed = 1; seed <= 200; seed++) {
            Random random = new Random(seed);
            TreeSet<String> cuts = new TreeSet<>();
            int n = 1 + random.nextInt(6);
            while (cuts.size() < n + 1) {
                cuts.add(randomString(random));
            }
            List<String> points = new ArrayList<>(cuts);
            boolean openBelow = random.nextBoolean();
            boolean openAbove = random.nextBoolean();
            List<Range> ranges = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Bound from = i == 0 && openBelow ? UNBOUNDED : at(points.get(i));
                Bound to = i == n - 1 && openAbove ? UNBOUNDED : at(points.get(i + 1));
                ranges.add(range(ShardId.of("s" + random.nextInt(4)), from, to));
            }
            List<Range> declared = new ArrayList<>(ranges);
            Collections.shuffle(declared, random);
            RangeStrategy strategy = new RangeStrategy(ShardKeyType.STRING, declared);

            List<String> keys = new ArrayList<>(points);
            for (int i = 0; i < 200; i++) {
                keys.add(randomString(random));
            }
            for (String key : keys) {
                ShardId expected = linearScan(ranges, key);
                if (expected == null) {
                    fails(ShardException.Code.KEY, () -> strategy.shardFor(key));
                } else {
                    assertEquals(expected, strategy.shardFor(key), "seed " + seed + ", key '" + key + "', ranges " + ranges);
                }
            }
        }
    }

    static String randomString(Random random) {
        int length = random.nextInt(4);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < length; i++) {
            sb.append("aBc".charAt(random.nextInt(3)));
        }
        return sb.toString();
    }

    /** The obvious, slow definition: the one range with from ≤ key < to, or null. */
    @SuppressWarnings("unchecked")
    static ShardId linearScan(List<Range> ranges, Comparable<?> key) {
        ShardId found = null;
        for (Range r : ranges) {
            boolean aboveFrom = r.from().unbounded() || ((Comparable<Object>) key).compareTo(r.from().value()) >= 0;
            boolean belowTo = r.to().unbounded() || ((Comparable<Object>) key).compareTo(r.to().value()) < 0;
            if (aboveFrom && belowTo) {
                assertEquals(null, found, "ranges overlap at " + key);
                found = r.shard();
            }
        }
        return found;
    }
}
