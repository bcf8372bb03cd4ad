package io.shardkit.bench.fanout;

import static org.jooq.impl.DSL.condition;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.select;
import static org.jooq.impl.DSL.table;

import io.shardkit.cluster.Shard;
import io.shardkit.query.FanOut;
import io.shardkit.query.FanOutResult;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jooq.Field;
import org.jooq.Record1;
import org.jooq.Record;
import org.jooq.Result;
import org.jooq.Select;
import org.jooq.Table;
import org.jooq.impl.SQLDataType;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Fan-out wall time when every shard is slow: 16 shards (16 databases on one embedded PostgreSQL server, pool of 2
 * each), each answering after a 20 ms server-side {@code pg_sleep}. Parallel shards cost one delay, not sixteen.
 * Beside it: the same query on one shard directly (the floor), through the fan-out on one shard (its fixed cost),
 * and on the 16 shards one after the other (what "summed" would be).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 4)
@Fork(1)
public class LatencyBenchmark {
    static final int SHARDS = 16;

    static final Table<Record> TICK = table(name("tick"));
    static final Field<Integer> ONE = field(name("one"), SQLDataType.INTEGER);

    /**
     * One row per shard, after 20 ms on the server. From a one-row table: the fan-out refuses a query without FROM
     * (it reads as "not exactly one table"); the sleep runs once, since the table has one row.
     */
    static Select<Record1<Integer>> sleep() {
        return select(ONE).from(TICK).where(condition("pg_sleep(0.02) is not null"));
    }

    EmbeddedCluster shards;
    Shard first;
    List<Shard> all;

    @Setup(Level.Trial)
    public void start() {
        shards = EmbeddedCluster.start(SHARDS, 2);
        all = shards.cluster.shards();
        for (Shard s : all) {
            s.dsl().createTable(TICK).column(ONE).execute();
            s.dsl().insertInto(TICK).values(1).execute();
        }
        first = all.getFirst();
        FanOutResult<Record1<Integer>> r = fanOut16();
        if (r.rows().size() != SHARDS || !r.complete()) {
            throw new IllegalStateException("expected one row from each of " + SHARDS + " shards: " + r);
        }
        long t = System.nanoTime();
        oneShardDirect();
        long ms = (System.nanoTime() - t) / 1_000_000;
        if (ms < 20) throw new IllegalStateException("pg_sleep(0.02) returned after " + ms + " ms: the delay is not applied");
        whereTheTimeGoes();
    }

    /**
     * Set-up only: 100 fan-outs, comparing each one's wall time with its shards' own times (each from the fan-out's
     * start to that shard's end, as {@code QueryOutcome.time()} reports it), to tell waiting for the slowest shard
     * apart from work after the last shard ended. Medians and 99th percentiles.
     */
    private void whereTheTimeGoes() {
        int n = 100;
        double[] wall = new double[n], slowest = new double[n], fastest = new double[n];
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            FanOutResult<Record1<Integer>> r = fanOut16();
            wall[i] = (System.nanoTime() - t) / 1e6;
            slowest[i] = r.outcomes().stream().mapToDouble(o -> o.time().toNanos() / 1e6).max().orElseThrow();
            fastest[i] = r.outcomes().stream().mapToDouble(o -> o.time().toNanos() / 1e6).min().orElseThrow();
        }
        System.out.printf(java.util.Locale.ROOT, "[diag] %d fan-outs over %d shards: wall p50 %.2f / p99 %.2f ms; "
                        + "fastest shard ends at p50 %.2f ms; slowest shard ends at p50 %.2f / p99 %.2f ms%n",
                n, SHARDS, pct(wall, 50), pct(wall, 99), pct(fastest, 50), pct(slowest, 50), pct(slowest, 99));
    }

    private static double pct(double[] values, int p) {
        double[] v = values.clone();
        java.util.Arrays.sort(v);
        return v[Math.min(v.length - 1, (int) Math.ceil(p / 100.0 * v.length) - 1)];
    }

    @TearDown(Level.Trial)
    public void stop() {
        shards.close();
    }

    @Benchmark
    public FanOutResult<Record1<Integer>> fanOut16() {
        return FanOut.on(shards.cluster).select(sleep()).onAllShards().timeout(Duration.ofSeconds(5)).fetch();
    }

    @Benchmark
    public FanOutResult<Record1<Integer>> fanOut1() {
        return FanOut.on(shards.cluster).select(sleep()).onShards(first.id()).timeout(Duration.ofSeconds(5)).fetch();
    }

    @Benchmark
    public Result<Record1<Integer>> oneShardDirect() {
        return first.dsl().fetch(sleep());
    }

    @Benchmark
    public int sequential16() {
        int rows = 0;
        for (Shard s : all) rows += s.dsl().fetch(sleep()).size();
        return rows;
    }
}
