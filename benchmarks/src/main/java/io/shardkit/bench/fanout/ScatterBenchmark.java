package io.shardkit.bench.fanout;

import static io.shardkit.bench.fanout.Events.CATEGORY;
import static io.shardkit.bench.fanout.Events.EVENTS;
import static io.shardkit.bench.fanout.Events.ID;
import static io.shardkit.bench.fanout.Events.PAYLOAD;
import static io.shardkit.bench.fanout.Events.SCORE;
import static org.jooq.impl.DSL.count;
import static org.jooq.impl.DSL.select;

import io.shardkit.query.FanOut;
import io.shardkit.router.ShardId;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jooq.Record1;
import org.jooq.Record4;
import org.jooq.Result;
import org.jooq.Select;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Scatter queries over 8 shards × ~200,000 rows ({@link Events}, 1.6 M rows placed by jump hash): ORDER BY … LIMIT
 * 100 and COUNT(*) through Shardkit's fan-out and through ShardingSphere-JDBC 5.5.2 on the same databases, and the
 * full ordered stream of 1.6 M rows through the fan-out, once with the default heap and once in a 64 MB heap.
 * Every fork loads its own data: JMH runs each benchmark in a fresh JVM, and the embedded server goes with it.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 12, time = 1)
@Fork(1)
public class ScatterBenchmark {
    static final int SHARDS = 8;
    static final int ROWS = 1_600_000;
    /** Shardkit and the peer each get this many connections per database; a scatter query uses one. */
    static final int POOL = 2;

    static Select<Record4<Long, Long, Integer, String>> top100() {
        return select(ID, SCORE, CATEGORY, PAYLOAD).from(EVENTS).orderBy(SCORE.desc(), ID).limit(100);
    }

    static Select<Record4<Long, Long, Integer, String>> everyRowOrdered() {
        return select(ID, SCORE, CATEGORY, PAYLOAD).from(EVENTS).orderBy(SCORE.desc(), ID);
    }

    static Select<Record1<Integer>> countAll() {
        return select(count()).from(EVENTS);
    }

    /** The loaded shards and the Shardkit cluster over them. */
    @State(Scope.Benchmark)
    public static class Shards {
        EmbeddedCluster shards;

        @Setup(Level.Trial)
        public void load() throws Exception {
            long t = System.nanoTime();
            shards = EmbeddedCluster.start(SHARDS, POOL);
            Map<ShardId, Integer> spread = Events.load(shards.cluster, ROWS, 1_000_003);
            System.out.printf("[setup] %d rows loaded in %d ms, per shard: %s%n", ROWS, (System.nanoTime() - t) / 1_000_000, spread);
            int n = FanOut.on(shards.cluster).select(countAll()).fetch().rows().getFirst().value1();
            if (n != ROWS) throw new IllegalStateException("fan-out COUNT(*) = " + n + ", loaded " + ROWS);
        }

        @TearDown(Level.Trial)
        public void stop() {
            shards.close();
        }
    }

    /** ShardingSphere-JDBC over the same databases; checked against Shardkit's answers before anything is measured. */
    @State(Scope.Benchmark)
    public static class Peer {
        PeerDataSource peer;

        @Setup(Level.Trial)
        public void open(Shards s) throws Exception {
            long t = System.nanoTime();
            peer = PeerDataSource.over(s.shards.databases(), POOL);
            System.out.printf("[setup] ShardingSphere data source ready in %d ms%n", (System.nanoTime() - t) / 1_000_000);
            long peerCount = peer.dsl.fetchValue(countAll()).longValue();
            if (peerCount != ROWS) throw new IllegalStateException("ShardingSphere COUNT(*) = " + peerCount + ", loaded " + ROWS);
            List<Long> ours = FanOut.on(s.shards.cluster).select(top100()).fetch().rows().stream().map(r -> r.value1()).toList();
            List<Long> theirs = peer.dsl.fetch(top100()).getValues(ID);
            if (ours.size() != 100 || !ours.equals(theirs)) {
                throw new IllegalStateException("top 100 differ: Shardkit " + ours + " vs ShardingSphere " + theirs);
            }
            System.out.println("[setup] ShardingSphere and Shardkit agree: COUNT(*) = " + peerCount + ", same 100 ids in the same order");
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            peer.close();
        }
    }

    /**
     * The merge's live heap, measured once per fork before the benchmark runs: used heap after a full GC, with the
     * stream open and part-read, minus the same before it was opened.
     */
    @State(Scope.Benchmark)
    public static class HeapProbe {
        @Setup(Level.Trial)
        public void probe(Shards s) {
            System.out.printf("[heap] max heap %s%n", LiveHeap.mib(Runtime.getRuntime().maxMemory()));
            long before = LiveHeap.bytes();
            long worst = 0;
            long rows = 0;
            try (Stream<Record4<Long, Long, Integer, String>> stream = FanOut.on(s.shards.cluster).select(everyRowOrdered()).stream()) {
                Iterator<Record4<Long, Long, Integer, String>> it = stream.iterator();
                while (it.hasNext()) {
                    it.next();
                    rows++;
                    if (rows == 1 || rows % 400_000 == 0) {
                        long delta = LiveHeap.bytes() - before;
                        worst = Math.max(worst, delta);
                        System.out.printf("[heap] full ordered stream, after %,d rows: live heap %s above the baseline%n", rows, LiveHeap.mib(delta));
                    }
                }
            }
            if (rows != ROWS) throw new IllegalStateException("stream returned " + rows + " rows, expected " + ROWS);
            System.out.printf("[heap] full ordered stream: largest live heap above the baseline %s (baseline %s)%n",
                    LiveHeap.mib(worst), LiveHeap.mib(before));

            before = LiveHeap.bytes();
            try (Stream<Record4<Long, Long, Integer, String>> stream = FanOut.on(s.shards.cluster).select(top100()).stream()) {
                Iterator<Record4<Long, Long, Integer, String>> it = stream.iterator();
                it.next();
                System.out.printf("[heap] ORDER BY … LIMIT 100, after its first row: live heap %s above the baseline%n",
                        LiveHeap.mib(LiveHeap.bytes() - before));
            }
        }
    }

    // ---- ORDER BY … LIMIT 100 ----------------------------------------------------------------------------------

    @Benchmark
    public List<Record4<Long, Long, Integer, String>> top100_shardkit(Shards s) {
        return FanOut.on(s.shards.cluster).select(top100()).fetch().rows();
    }

    @Benchmark
    public Result<Record4<Long, Long, Integer, String>> top100_shardingsphere(Peer p) {
        return p.peer.dsl.fetch(top100());
    }

    // ---- COUNT(*) ----------------------------------------------------------------------------------------------

    @Benchmark
    public int count_shardkit(Shards s) {
        return FanOut.on(s.shards.cluster).select(countAll()).fetch().rows().getFirst().value1();
    }

    @Benchmark
    public int count_shardingsphere(Peer p) {
        return p.peer.dsl.fetchValue(countAll());
    }

    // ---- the full ordered stream (1.6 M rows) --------------------------------------------------------------------

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @Warmup(iterations = 2)
    @Measurement(iterations = 5)
    public long stream_shardkit(Shards s, HeapProbe probed, Blackhole bh) {
        return drain(s, bh);
    }

    /** The same stream in a JVM whose whole heap is 64 MB: completes only if the merge does not hold the result. */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @Warmup(iterations = 2)
    @Measurement(iterations = 5)
    @Fork(value = 1, jvmArgsAppend = "-Xmx64m")
    public long stream_shardkit_xmx64m(Shards s, HeapProbe probed, Blackhole bh) {
        return drain(s, bh);
    }

    private static long drain(Shards s, Blackhole bh) {
        long rows = 0;
        try (Stream<Record4<Long, Long, Integer, String>> stream = FanOut.on(s.shards.cluster).select(everyRowOrdered()).stream()) {
            Iterator<Record4<Long, Long, Integer, String>> it = stream.iterator();
            while (it.hasNext()) {
                bh.consume(it.next());
                rows++;
            }
        }
        if (rows != ROWS) throw new IllegalStateException("stream returned " + rows + " rows, expected " + ROWS);
        return rows;
    }
}
