package io.shardkit.bench;

import io.shardkit.router.ConsistentHashRing;
import io.shardkit.router.DirectoryPins;
import io.shardkit.router.JumpHashStrategy;
import io.shardkit.router.KeyHash;
import io.shardkit.router.ModuloStrategy;
import io.shardkit.router.RangeStrategy;
import io.shardkit.router.RangeStrategy.Bound;
import io.shardkit.router.RangeStrategy.Range;
import io.shardkit.router.ShardId;
import io.shardkit.router.ShardKeyType;
import io.shardkit.router.ShardRouter;
import io.shardkit.router.ShardStrategy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.stream.IntStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of routing one key to one of 16 shards, per strategy and key type. Run with {@code -prof gc}: every
 * product strategy's single-key path must show {@code gc.alloc.rate.norm} ≈ 0 B/op.
 *
 * <p>Keys are pre-generated and cycled through with a mask, so an operation is an array load plus the lookup.
 * Each parameter combination runs in its own fork, so the lookup function below is monomorphic there and the
 * JIT inlines it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(1)
public class RouterBenchmark {

    static final int SHARD_COUNT = 16;
    /** A power of two, so the key index wraps with a mask; 4096 keys keep the key arrays in L1/L2. */
    static final int KEY_COUNT = 4096;
    static final int MASK = KEY_COUNT - 1;
    /** Every 16th key is pinned: 256 pins, and 1 lookup in 16 is answered by the pins. */
    static final int PIN_EVERY = 16;
    static final long SEED = 20261121L;

    /**
     * {@code ring-pinned}: the ring behind a {@link ShardRouter} holding 256 directory pins.
     * {@code treemap-baseline}: {@link TreeMapRing}, the conventional ring, for comparison with {@code ring}.
     */
    @Param({"range", "modulo", "jump", "ring", "ring-pinned", "treemap-baseline"})
    public String strategy;

    @Param({"long", "string"})
    public String keyType;

    private long[] longKeys;
    private String[] stringKeys;
    private boolean stringKeyed;
    private LongFunction<ShardId> byLong;
    private Function<String, ShardId> byString;
    private int cursor;

    @Setup
    public void setUp() {
        List<ShardId> shards = IntStream.range(0, SHARD_COUNT).mapToObj(i -> ShardId.of("s" + i)).toList();
        SplittableRandom random = new SplittableRandom(SEED);
        longKeys = random.longs(KEY_COUNT).toArray();
        Set<String> distinct = new LinkedHashSet<>();
        while (distinct.size() < KEY_COUNT) {
            distinct.add("tenant-" + random.nextInt(1_000_000));
        }
        stringKeys = distinct.toArray(String[]::new);
        stringKeyed = switch (keyType) {
            case "long" -> false;
            case "string" -> true;
            default -> throw new IllegalArgumentException("unknown keyType " + keyType + " — use long or string");
        };

        switch (strategy) {
            case "range" -> use(stringKeyed ? stringRanges(shards) : longRanges(shards));
            case "modulo" -> use(new ModuloStrategy(KeyHash.MURMUR3, shards));
            case "jump" -> use(new JumpHashStrategy(KeyHash.MURMUR3, shards));
            case "ring" -> use(ring(shards));
            case "ring-pinned" -> {
                Map<Object, ShardId> pins = new HashMap<>();
                for (int i = 0; i < KEY_COUNT; i += PIN_EVERY) {
                    pins.put(stringKeyed ? stringKeys[i] : (Object) longKeys[i], shards.get((i / PIN_EVERY) % SHARD_COUNT));
                }
                ShardRouter router = ShardRouter.of(ring(shards), DirectoryPins.of(pins),
                        stringKeyed ? ShardKeyType.STRING : ShardKeyType.LONG);
                byLong = router::shardFor;
                byString = router::shardFor;
                for (int i = 0; i < KEY_COUNT; i += PIN_EVERY) {
                    check(pins.get(key(i)), route(i), "pinned key " + key(i));
                }
            }
            case "treemap-baseline" -> {
                TreeMapRing baseline = new TreeMapRing(shards, ConsistentHashRing.DEFAULT_VIRTUAL_NODES);
                byLong = baseline::shardFor;
                byString = baseline::shardFor;
            }
            default -> throw new IllegalArgumentException("unknown strategy " + strategy
                    + " — use range, modulo, jump, ring, ring-pinned or treemap-baseline");
        }

        // Route every key once: a range that does not cover the keys fails here, not mid-measurement.
        for (int i = 0; i < KEY_COUNT; i++) {
            Objects.requireNonNull(route(i), "no shard for " + key(i));
        }
        // The ring and the baseline must place keys identically, or the comparison would be meaningless.
        if (strategy.equals("ring") || strategy.equals("treemap-baseline")) {
            ConsistentHashRing ring = ring(shards);
            TreeMapRing baseline = new TreeMapRing(shards, ConsistentHashRing.DEFAULT_VIRTUAL_NODES);
            for (int i = 0; i < KEY_COUNT; i++) {
                check(baseline.shardFor(longKeys[i]), ring.shardFor(longKeys[i]), "long key " + longKeys[i]);
                check(baseline.shardFor(stringKeys[i]), ring.shardFor((Object) stringKeys[i]), "key " + stringKeys[i]);
            }
        }
    }

    @Benchmark
    public ShardId shardFor() {
        int i = cursor++ & MASK;
        return stringKeyed ? byString.apply(stringKeys[i]) : byLong.apply(longKeys[i]);
    }

    private void use(ShardStrategy s) {
        byLong = s::shardFor;                  // shardFor(long): the primitive fast path
        byString = key -> s.shardFor((Object) key);
    }

    private Object key(int i) {
        return stringKeyed ? stringKeys[i] : longKeys[i];
    }

    private ShardId route(int i) {
        return stringKeyed ? byString.apply(stringKeys[i]) : byLong.apply(longKeys[i]);
    }

    private static ConsistentHashRing ring(List<ShardId> shards) {
        return new ConsistentHashRing(KeyHash.MURMUR3, shards, Map.of(), ConsistentHashRing.DEFAULT_VIRTUAL_NODES);
    }

    /** 16 equal slices of the signed 64-bit space, open at both ends. */
    private static RangeStrategy longRanges(List<ShardId> shards) {
        List<Range> ranges = new ArrayList<>();
        long slice = 1L << 60; // 2^64 / 16
        for (int i = 0; i < SHARD_COUNT; i++) {
            Bound from = i == 0 ? Bound.UNBOUNDED : Bound.of(Long.MIN_VALUE + i * slice);
            Bound to = i == SHARD_COUNT - 1 ? Bound.UNBOUNDED : Bound.of(Long.MIN_VALUE + (i + 1) * slice);
            ranges.add(new Range(shards.get(i), from, to));
        }
        return new RangeStrategy(ShardKeyType.LONG, ranges);
    }

    /** 16 ranges split at quantiles of the (sorted) string keys, open at both ends, so each gets ~256 keys. */
    private RangeStrategy stringRanges(List<ShardId> shards) {
        String[] sorted = stringKeys.clone();
        Arrays.sort(sorted);
        List<Range> ranges = new ArrayList<>();
        for (int i = 0; i < SHARD_COUNT; i++) {
            Bound from = i == 0 ? Bound.UNBOUNDED : Bound.of(sorted[i * (KEY_COUNT / SHARD_COUNT)]);
            Bound to = i == SHARD_COUNT - 1 ? Bound.UNBOUNDED : Bound.of(sorted[(i + 1) * (KEY_COUNT / SHARD_COUNT)]);
            ranges.add(new Range(shards.get(i), from, to));
        }
        return new RangeStrategy(ShardKeyType.STRING, ranges);
    }

    private static void check(ShardId expected, ShardId actual, String what) {
        if (!expected.equals(actual)) {
            throw new IllegalStateException(what + ": expected shard " + expected + " but got " + actual);
        }
    }
}
