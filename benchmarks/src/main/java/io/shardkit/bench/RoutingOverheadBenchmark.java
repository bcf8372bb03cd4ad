package io.shardkit.bench;

import io.shardkit.cluster.ShardCluster;
import io.shardkit.cluster.ShardClusterBuilder;
import io.shardkit.cluster.ShardKey;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
 * What {@link PointQueryBenchmark} cannot resolve: Shardkit's own cost per routed call, with no query behind it.
 * Each benchmark turns a key into the {@link DSLContext} of its shard, on the same 4-shard {@code modulo(murmur3)}
 * cluster: by hand ({@code raw}: the floor's hash and an array), through {@code cluster.dsl(key)}, and through the
 * {@code @ShardKey} repository proxy (whose implementation only returns the context it is bound to). The differences
 * are the overhead a point query pays, to set beside its 10–15 µs on H2. {@code metrics=on} gives the cluster a
 * {@code SimpleMeterRegistry}: the repository proxy then times each call ({@code shardkit.repository.invocations});
 * {@code cluster.dsl(key)} runs no statement, so it must cost the same either way.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(value = 3, jvmArgsAppend = {"-Dorg.jooq.no-logo=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class RoutingOverheadBenchmark {

    /** A repository whose only work is to say which shard context it is bound to. Public: the proxy calls it. */
    public interface ShardOf {
        DSLContext dsl(@ShardKey long customerId);
    }

    @Param({"off", "on"})
    public String metrics;

    private static final int KEY_COUNT = 4096;
    private static final int MASK = KEY_COUNT - 1;

    private ShardCluster cluster;
    private ShardOf repository;
    private DSLContext[] byIndex;
    private long[] keys;
    private int cursor;

    @Setup
    public void setUp() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        ShardClusterBuilder b = ShardCluster.builder().modulo(KeyHash.MURMUR3);
        if (metrics.equals("on")) b.meterRegistry(new SimpleMeterRegistry());
        for (int i = 0; i < PointQueryBenchmark.SHARD_COUNT; i++) {
            b.database("db" + i, "jdbc:h2:mem:overhead_" + run + "_" + i, "sa", "").shard("s" + i, "db" + i);
        }
        cluster = b.build();
        repository = cluster.repository(ShardOf.class, dsl -> customerId -> dsl);
        byIndex = cluster.shards().stream().map(s -> s.dsl()).toArray(DSLContext[]::new);
        keys = new SplittableRandom(PointQueryBenchmark.SEED).longs(KEY_COUNT, 1, Long.MAX_VALUE).toArray();
        for (long key : keys) {
            DSLContext expected = cluster.dsl(key);
            if (raw(key) != expected || repository.dsl(key) != expected) {
                throw new IllegalStateException("key " + key + ": the three paths disagree on its shard");
            }
        }
    }

    private DSLContext raw(long key) {
        return byIndex[RawJooqPointQueries.shardIndex(key, byIndex.length)];
    }

    @TearDown
    public void tearDown() {
        cluster.close();
    }

    @Benchmark
    public DSLContext raw() {
        return raw(keys[cursor++ & MASK]);
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
