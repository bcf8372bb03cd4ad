package io.shardkit.bench.fanout;

import static io.shardkit.bench.fanout.Events.CATEGORY;
import static io.shardkit.bench.fanout.Events.EVENTS;
import static io.shardkit.bench.fanout.Events.ID;
import static io.shardkit.bench.fanout.Events.PAYLOAD;
import static io.shardkit.bench.fanout.Events.SCORE;
import static org.jooq.impl.DSL.select;

import io.shardkit.cluster.ShardCluster;
import io.shardkit.query.FanOut;
import io.shardkit.query.Page;
import io.shardkit.router.ShardId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jooq.ExecuteContext;
import org.jooq.ExecuteListener;
import org.jooq.Record4;
import org.jooq.Record;
import org.jooq.SQLDialect;
import org.jooq.Select;
import org.jooq.SelectLimitStep;
import org.jooq.impl.DSL;
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
 * Deep paging over 8 shards × ~12,500 rows (100,000 {@link Events}, index on {@code (score DESC, id)}), 20 rows a
 * page in {@code ORDER BY score DESC, id}: page 1 and page 1,000 by keyset ({@code fetchPage} with the cursor of
 * page 999, walked once in set-up), and the same pages by OFFSET through the fan-out (page 1,000 = OFFSET 19,980,
 * which every shard must answer with its first 20,000 rows).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 12, time = 1)
@Fork(1)
public class PagingBenchmark {
    static final int SHARDS = 8;
    static final int ROWS = 100_000;
    static final int PAGE = 20;
    static final int DEEP = 1_000;

    static SelectLimitStep<Record4<Long, Long, Integer, String>> ordered() {
        return select(ID, SCORE, CATEGORY, PAYLOAD).from(EVENTS).orderBy(SCORE.desc(), ID);
    }

    static Select<Record4<Long, Long, Integer, String>> byOffset(int page) {
        return ordered().limit(PAGE).offset((page - 1) * PAGE);
    }

    EmbeddedCluster shards;
    String cursorOfPage1000;
    /** Page 1,000 as the caller could write the seek by hand: {@code score <= v AND (score < v OR id > w)}. */
    Select<Record4<Long, Long, Integer, String>> handSeekPage1000;

    @Setup(Level.Trial)
    public void load() throws Exception {
        shards = EmbeddedCluster.start(SHARDS, 2);
        Map<ShardId, Integer> spread = Events.load(shards.cluster, ROWS, 50_000);
        System.out.println("[setup] " + ROWS + " rows, per shard: " + spread);

        long t = System.nanoTime();
        String cursor = null;
        Record4<Long, Long, Integer, String> last = null;
        for (int page = 1; page < DEEP; page++) {
            Page<Record4<Long, Long, Integer, String>> p = FanOut.on(shards.cluster).select(ordered()).fetchPage(PAGE, cursor);
            cursor = p.nextCursor().orElseThrow();
            last = p.rows().getLast();
        }
        cursorOfPage1000 = cursor;
        // Same rows as the keyset page, but the bound on the leading key is a plain range the index can seek to.
        handSeekPage1000 = select(ID, SCORE, CATEGORY, PAYLOAD).from(EVENTS)
                .where(SCORE.le(last.value2()).and(SCORE.lt(last.value2()).or(ID.gt(last.value1()))))
                .orderBy(SCORE.desc(), ID).limit(PAGE);
        System.out.printf("[setup] walked pages 1..%d in %d ms%n", DEEP - 1, (System.nanoTime() - t) / 1_000_000);

        List<Long> keyset = keysetPage1000().rows().stream().map(Record4::value1).toList();
        List<Long> offset = offsetPage1000().stream().map(Record4::value1).toList();
        List<Long> hand = handSeekPage1000().stream().map(Record4::value1).toList();
        if (keyset.size() != PAGE || !keyset.equals(offset) || !keyset.equals(hand)) {
            throw new IllegalStateException("page " + DEEP + " differs: keyset " + keyset + " vs OFFSET " + offset + " vs hand seek " + hand);
        }
        System.out.println("[setup] page " + DEEP + " is the same by keyset and by OFFSET: ids " + keyset);
        explain();
    }

    /** Prints shard s0's SQL and plan for page 1,000 both ways, as the fan-out sends them (for the write-up). */
    private void explain() {
        String[] sql = new String[1];
        ExecuteListener capture = new ExecuteListener() {
            @Override
            public void executeStart(ExecuteContext ctx) {
                if (sql[0] == null) sql[0] = DSL.using(SQLDialect.POSTGRES).renderInlined(ctx.query());
            }
        };
        try (ShardCluster probe = EmbeddedCluster.clusterOver(shards.databases(), 1,
                ShardCluster.defaultJooqConfiguration().derive(capture))) {
            ShardId s0 = probe.shards().getFirst().id();
            FanOut.on(probe).select(ordered()).onShards(s0).fetchPage(PAGE, cursorOfPage1000);
            String keysetSql = sql[0];
            sql[0] = null;
            FanOut.on(probe).select(byOffset(DEEP)).onShards(s0).fetch();
            String offsetSql = sql[0];
            sql[0] = null;
            FanOut.on(probe).select(handSeekPage1000).onShards(s0).fetch();
            String handSql = sql[0];
            for (String q : List.of(keysetSql, offsetSql, handSql)) {
                System.out.println("[explain] " + q);
                for (Record r : probe.dsl(s0).fetch("explain (analyze, buffers, costs off, timing off) " + q)) {
                    System.out.println("[explain]   " + r.get(0));
                }
            }
        }
    }

    @TearDown(Level.Trial)
    public void stop() {
        shards.close();
    }

    @Benchmark
    public Page<Record4<Long, Long, Integer, String>> keysetPage1() {
        return FanOut.on(shards.cluster).select(ordered()).fetchPage(PAGE, null);
    }

    @Benchmark
    public Page<Record4<Long, Long, Integer, String>> keysetPage1000() {
        return FanOut.on(shards.cluster).select(ordered()).fetchPage(PAGE, cursorOfPage1000);
    }

    /** Control: page 1,000 through the same fan-out, with the seek written so that the index bounds it. */
    @Benchmark
    public List<Record4<Long, Long, Integer, String>> handSeekPage1000() {
        return FanOut.on(shards.cluster).select(handSeekPage1000).fetch().rows();
    }

    @Benchmark
    public List<Record4<Long, Long, Integer, String>> offsetPage1() {
        return FanOut.on(shards.cluster).select(byOffset(1)).fetch().rows();
    }

    @Benchmark
    public List<Record4<Long, Long, Integer, String>> offsetPage1000() {
        return FanOut.on(shards.cluster).select(byOffset(DEEP)).fetch().rows();
    }
}
