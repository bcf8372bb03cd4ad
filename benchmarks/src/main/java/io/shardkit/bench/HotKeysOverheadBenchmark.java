package io.shardkit.bench;

import io.shardkit.cluster.HotKeys;
import io.shardkit.cluster.ShardCluster;
import io.shardkit.cluster.ShardClusterBuilder;
import io.shardkit.cluster.ShardKey;
import io.shardkit.router.KeyHash;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.jooq.DSLContext;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What hot-key tracking adds to a routed call, beside {@link RoutingOverheadBenchmark}'s figures: the same 4-shard
 * {@code modulo(murmur3)} cluster and calls ({@code cluster.dsl(key)}, a {@code @ShardKey} repository proxy), with
 * tracking {@code off} (the default), {@code sampled} (1 call in 16 feeds the sketch, the default when on) and
 * {@code every} (every call feeds it: the sketch's own cost). 4,096 uniformly random keys against a sketch of 64, so
 * nearly every sampled call evicts a key: the sketch's worst case.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Dorg.jooq.no-logo=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class HotKeysOverheadBenchmark {

    /** A repository whose only work is to say which shard context it is bound to. Public: the proxy calls it. */
    public interface ShardOf {
        DSLContext dsl(@ShardKey long customerId);
    }

    private static final int KEY_COUNT = 4096;
    private static final int MASK = KEY_COUNT - 1;

    @Param({"off", "sampled", "every"})
    public String hotKeys;

    private ShardCluster cluster;
    private ShardOf repository;
    private long[] keys;
    private int cursor;

    @Setup
    public void setUp() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        ShardClusterBuilder b = ShardCluster.builder().modulo(KeyHash.MURMUR3).hotKeys(switch (hotKeys) {
            case "off" -> HotKeys.Settings.OFF;
            case "sampled" -> HotKeys.Settings.DEFAULTS;
            case "every" -> HotKeys.Settings.DEFAULTS.withSampleEvery(1);
            default -> throw new IllegalArgumentException("hotKeys: off, sampled or every, not " + hotKeys);
        });
        for (int i = 0; i < PointQueryBenchmark.SHARD_COUNT; i++) {
            b.database("db" + i, "jdbc:h2:mem:hotkeys_" + run + "_" + i, "sa", "").shard("s" + i, "db" + i);
        }
        cluster = b.build();
        repository = cluster.repository(ShardOf.class, dsl -> customerId -> dsl);
        keys = new SplittableRandom(PointQueryBenchmark.SEED).longs(KEY_COUNT, 1, Long.MAX_VALUE).toArray();
    }

    @TearDown
    public void tearDown() {
        HotKeys seen = cluster.hotKeys();
        if (!hotKeys.equals("off") && seen.sampledCalls() == 0) {
            throw new IllegalStateException("hot keys " + hotKeys + " but nothing was sampled: " + seen);
        }
        cluster.close();
    }

    @Benchmark
    public DSLContext clusterDsl() {
        return cluster.dsl(keys[cursor++ & MASK]);
    }

    @Benchmark
    public DSLContext repositoryProxy() {
        return repository.dsl(keys[cursor++ & MASK]);
    }
}
