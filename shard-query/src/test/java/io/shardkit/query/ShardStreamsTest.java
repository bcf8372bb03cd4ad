package io.shardkit.query;

import static io.shardkit.query.OutcomeChecks.assertTookAtLeast;
import static io.shardkit.query.OutcomeChecks.rootCause;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkit.cluster.PoolStats;
import io.shardkit.cluster.Shard;
import io.shardkit.cluster.ShardCluster;
import io.shardkit.cluster.ShardClusterBuilder;
import io.shardkit.cluster.config.ClusterConfig.DatabaseConfig;
import io.shardkit.cluster.config.ClusterConfig.PoolConfig;
import io.shardkit.query.QueryOutcome.Status;
import io.shardkit.router.ShardId;
import io.shardkit.test.EmbeddedShards;
import io.shardkit.test.Engine;
import io.shardkit.test.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.jooq.Record;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The executor the merge reads from, on one embedded PostgreSQL with 4 shard databases (and one H2 case): parallel
 * shards, per-stream order, bounded buffers, deadlines and fail-fast cancelled on the server, the per-database bound,
 * and — after every case — no connection checked out and no shard task running.
 */
class ShardStreamsTest {
    static EmbeddedShards dbs;
    static ShardCluster cluster; // s0..s3 on db0..db3, pools of at most 4
    static final long GATE_KEY = 4_711;
    /**
     * A FROM item of one row whose statement waits while the test holds the gate of its database closed — for a
     * minute at most (lock_timeout, set for the shard's read transaction only): a gate never opened fails the
     * statement instead of hanging the build.
     */
    static final String THROUGH_GATE = "pg_advisory_xact_lock_shared(" + GATE_KEY
            + " + 0 * length(set_config('lock_timeout', '60s', true)))";

    @BeforeAll
    static void start() {
        dbs = EmbeddedShards.start(Engine.POSTGRES, 4);
        ShardClusterBuilder b = ShardCluster.builder();
        for (int i = 0; i < 4; i++) {
            b.database("db" + i, config(dbs.database(i), 4));
            b.shard("s" + i, "db" + i);
        }
        cluster = b.jump().build();
        // jOOQ and the driver load their classes here, not inside the first timed test
        try (ShardStreams warm = open(cluster, s -> "select 1", settings(10_000, FailurePolicy.FAIL_FAST, 10))) {
            warm.streams().forEach(ShardStreamsTest::drain);
        }
    }

    @AfterAll
    static void stop() {
        if (cluster != null) cluster.close();
        if (dbs != null) dbs.close();
    }

    @Test
    void allShardsRunAtOnce() throws Exception {
        ShardStreams fanOut;
        try (Gate gate = closedGate(dbs.database(0), dbs.database(1), dbs.database(2), dbs.database(3))) {
            fanOut = open(cluster, s -> "select 'parallel-marker' from " + THROUGH_GATE, settings(60_000, FailurePolicy.FAIL_FAST, 10));
            try (fanOut) {
                // only statements running at the same time can all be waiting at the gate at once
                Await.until("all 4 shards' statements running at once", () -> activeBackends("parallel-marker") == 4);
                gate.open();
                fanOut.streams().forEach(stream -> assertEquals(1, drain(stream).size()));
                assertStatuses(fanOut.outcomes(), Status.OK, Status.OK, Status.OK, Status.OK);
                fanOut.outcomes().forEach(o -> assertEquals(1, o.rows(), o.toString()));
            }
        }
        assertNothingLeft(cluster, fanOut);
    }

    @Test
    void everyShardsRowsArriveInTheOrderTheShardSentThem() {
        Function<Shard, String> sql = s -> "select generate_series(1, " + size(s) + ") as n, '" + s.id() + "' as shard";
        ShardStreams fanOut = open(cluster, sql, settings(10_000, FailurePolicy.FAIL_FAST, 64));
        try (fanOut) {
            List<ShardStream> streams = fanOut.streams();
            assertEquals(List.of("s0", "s1", "s2", "s3"), streams.stream().map(s -> s.shard().value()).toList());
            IllegalStateException early = assertThrows(IllegalStateException.class, fanOut::outcomes);
            assertTrue(early.getMessage().startsWith("outcomes are final once every stream has ended or close() returned — "),
                    early.getMessage());

            int[] next = {1, 1, 1, 1};
            boolean any = true;
            while (any) { // round robin, one row at a time, as a merge interleaves
                any = false;
                for (int i = 0; i < 4; i++) {
                    ShardStream stream = streams.get(i);
                    if (!stream.hasNext()) continue;
                    any = true;
                    Record r = stream.next();
                    assertEquals(next[i]++, r.get("n", Integer.class), "row order on " + stream.shard());
                    assertEquals(stream.shard().value(), r.get("shard", String.class));
                }
            }
            List<QueryOutcome> outcomes = fanOut.outcomes();
            for (int i = 0; i < 4; i++) {
                Shard shard = cluster.shards().get(i);
                assertEquals(size(shard) + 1, next[i], "rows of " + shard.id());
                assertEquals(new QueryOutcome(shard.id(), Status.OK, outcomes.get(i).time(), size(shard), java.util.Optional.empty()),
                        outcomes.get(i));
            }
            assertNoConnectionOut(cluster); // seen every end: every connection is back, before close()
        }
        assertNothingLeft(cluster, fanOut);
    }

    @Test
    void aShardTheConsumerDoesNotReadStopsAfterFetchSizeRows() throws Exception {
        try (Connection c = dbs.database(0).open(); Statement st = c.createStatement()) {
            st.execute("create sequence bounded_rows");
        }
        Function<Shard, String> sql = s -> s.id().value().equals("s0")
                ? "select n, nextval('bounded_rows') as v from (select generate_series(1, 100000) as n) t"
                : "select 1";
        ShardStreams fanOut = open(cluster, sql, settings(30_000, FailurePolicy.FAIL_FAST, 100));
        try (fanOut) {
            for (int i = 1; i < 4; i++) drain(fanOut.streams().get(i));
            Await.until("s0's producer waiting with a full buffer", () -> fanOut.waitingForConsumer(0));
            long read = fanOut.rowsRead(0);
            assertEquals(101, read, "the producer holds a full buffer and one row, then waits");
            long made = querySingleLong(dbs.database(0), "select last_value from bounded_rows");
            // JDBC fetches 100 rows at a time: one batch in the buffer, one in the driver — not 100,000
            assertTrue(made <= 300, "PostgreSQL produced " + made + " rows while nobody read them");

            List<Record> rows = drain(fanOut.streams().getFirst());
            assertEquals(100_000, rows.size());
            for (int i = 0; i < rows.size(); i++) {
                assertEquals(i + 1, rows.get(i).get("n", Integer.class));
            }
            assertEquals(100_000, fanOut.outcomes().getFirst().rows());
            assertEquals(Status.OK, fanOut.outcomes().getFirst().status());
        }
        assertNothingLeft(cluster, fanOut);
    }

    @Test
    void aShardPastItsDeadlineIsCancelledOnTheServer() throws Exception {
        Function<Shard, String> sql = s -> s.id().value().equals("s1")
                ? "select 'deadline-marker', pg_sleep(30)" : "select generate_series(1, 3)";
        ShardStreams fanOut = open(cluster, sql, settings(500, FailurePolicy.PARTIAL, 10));
        try (fanOut) {
            List<Integer> sizes = fanOut.streams().stream().map(s -> drain(s).size()).toList();
            assertEquals(List.of(3, 0, 3, 3), sizes);
            awaitNoActiveBackends("deadline-marker", "the backend still runs pg_sleep(30)");

            QueryOutcome late = fanOut.outcomes().get(1);
            assertEquals(Status.TIMED_OUT, late.status());
            assertTookAtLeast(Duration.ofMillis(500), late, "the slow shard ran until its deadline");
            assertEquals(io.shardkit.router.ShardException.Code.TIMEOUT,
                    ((io.shardkit.router.ShardException) late.error().orElseThrow()).code());
            assertEquals("[shard s1] timed out: not finished within 500 ms (0 rows read) — stopped and cancelled on the "
                    + "server; raise the timeout or make the query cheaper on this shard", late.error().orElseThrow().getMessage());
            assertEquals("57014", sqlState(late.error().orElseThrow()), "query_canceled, from the server");
            assertStatuses(fanOut.outcomes(), Status.OK, Status.TIMED_OUT, Status.OK, Status.OK);
        }
        assertNothingLeft(cluster, fanOut);
    }

    @Test
    void theDeadlineAlsoStopsASlowFetchNotOnlyASlowExecute() throws Exception {
        // With fetchSize 10 the first batches come quickly; the batch holding row 25 sleeps. PgJDBC's
        // Statement.cancel() is a no-op between batches, so only a cancel request for the backend stops it.
        Function<Shard, String> sql = s -> s.id().value().equals("s2")
                ? "select n, 'fetch-marker', pg_sleep(case when n = 25 then 30 else 0 end) from (select generate_series(1, 100) as n) t"
                : "select 1";
        ShardStreams fanOut = open(cluster, sql, settings(700, FailurePolicy.PARTIAL, 10));
        try (fanOut) {
            int rows = drain(fanOut.streams().get(2)).size();
            assertTrue(rows >= 10 && rows < 25, "rows before the slow batch: " + rows);
            awaitNoActiveBackends("fetch-marker", "the backend still runs pg_sleep(30)");
            QueryOutcome late = fanOut.outcomes().get(2);
            assertEquals(Status.TIMED_OUT, late.status());
            assertTookAtLeast(Duration.ofMillis(700), late, "the slow fetch ran until its deadline");
            assertEquals("57014", sqlState(late.error().orElseThrow()), "query_canceled, from the server: " + late);
        }
        assertNothingLeft(cluster, fanOut);
    }

    @Test
    void failFastThrowsNamingTheShardAndCancelsTheOthersOnTheServer() throws Exception {
        Function<Shard, String> sql = s -> s.id().value().equals("s2")
                ? "select 1 / (n - 1) from (select count(*)::int as n from pg_sleep(0.5), " + THROUGH_GATE + ") t" // fails after 0.5 s
                : "select 'failfast-marker', pg_sleep(30)";
        try (Gate gate = closedGate(dbs.database(2))) {
            ShardStreams fanOut = open(cluster, sql, settings(60_000, FailurePolicy.FAIL_FAST, 10));
            try (fanOut) {
                Await.until("the 3 other shards' statements running", () -> activeBackends("failfast-marker") == 3);
                gate.open(); // s2 may fail now
                ShardStream first = fanOut.streams().getFirst();
                FanOutException e = assertThrows(FanOutException.class, first::hasNext); // woken by another shard's failure
                assertEquals("[shard s2] failed: ERROR: division by zero (SQLState 22012)", e.getMessage());
                assertEquals("22012", sqlState(e));
                assertStatuses(e.outcomes(), Status.CANCELLED, Status.CANCELLED, Status.FAILED, Status.CANCELLED);
                assertTookAtLeast(Duration.ofMillis(500), e.outcomes().get(2), "s2 failed after its pg_sleep(0.5)");
                for (int i : new int[] {0, 1, 3}) {
                    Throwable cancelled = e.outcomes().get(i).error().orElseThrow();
                    assertTrue(cancelled.getMessage().matches("\\[shard s" + i + "] cancelled after \\d+ ms \\(0 rows read\\): "
                            + "shard s2 failed \\(FAIL_FAST\\)"), cancelled.getMessage());
                    assertEquals("57014", sqlState(cancelled), "s" + i + "'s statement was running and cancelled on the server");
                }
                assertEquals(e.outcomes(), fanOut.outcomes());
                awaitNoActiveBackends("failfast-marker", "a backend still runs pg_sleep(30)");
                assertThrows(FanOutException.class, () -> fanOut.streams().get(3).next(), "every stream throws from then on");
                assertNothingLeft(cluster, fanOut); // before close(): throwing closed the fan-out
            }
        }
    }

    @Test
    void partialReturnsTheLiveShardsRowsAndSaysWhichFailed() {
        Function<Shard, String> sql = s -> switch (s.id().value()) {
            case "s1" -> "select 1 / 0";
            case "s3" -> "select 'partial-marker', pg_sleep(30)";
            default -> "select generate_series(1, 5)";
        };
        ShardStreams fanOut = open(cluster, sql, settings(600, FailurePolicy.PARTIAL, 10));
        try (fanOut) {
            assertEquals(List.of(5, 0, 5, 0), fanOut.streams().stream().map(s -> drain(s).size()).toList());
            List<QueryOutcome> outcomes = fanOut.outcomes();
            assertStatuses(outcomes, Status.OK, Status.FAILED, Status.OK, Status.TIMED_OUT);
            assertEquals("[shard s1] failed: ERROR: division by zero (SQLState 22012)",
                    outcomes.get(1).error().orElseThrow().getMessage());
            assertTrue(outcomes.get(3).error().orElseThrow().getMessage().startsWith("[shard s3] timed out: not finished within 600 ms"));
            assertEquals(List.of(5L, 0L, 5L, 0L), outcomes.stream().map(QueryOutcome::rows).toList());
        }
        assertNothingLeft(cluster, fanOut);
    }

    @Test
    void anExhaustedPoolFailsTheShardAtTheDeadlineWithThePoolsNumbers() throws Exception {
        try (ShardCluster small = ShardCluster.builder()
                .database("db0", config(dbs.database(0), 4)).database("db1", config(dbs.database(1), 2))
                .shard("s0", "db0").shard("s1", "db1").jump().build()) {
            Shard s1 = small.shard(ShardId.of("s1"));
            try (Connection held1 = s1.dataSource().getConnection(); Connection held2 = s1.dataSource().getConnection()) {
                ShardStreams fanOut = open(small, s -> "select 1", settings(500, FailurePolicy.FAIL_FAST, 10));
                try (fanOut) {
                    assertEquals(1, drain(fanOut.streams().get(0)).size());
                    FanOutException e = assertThrows(FanOutException.class, () -> fanOut.streams().get(1).hasNext());
                    assertTookAtLeast(Duration.ofMillis(500), e.outcomes().get(1), "s1 waited until its deadline");
                    assertInstanceOf(InterruptedException.class, rootCause(e), "the deadline interrupted the wait for a "
                            + "connection; HikariCP's own 30 s timeout did not end it");
                    assertEquals("[shard s1] no connection from database db1 within 500 ms (total=2, active=2, idle=0, "
                            + "waiting=1) — the pool is exhausted; raise maximumPoolSize or lower concurrent use", e.getMessage());
                    assertStatuses(e.outcomes(), Status.OK, Status.FAILED);
                    PoolStats whileHeld = small.poolStats("db1");
                    assertEquals(2, whileHeld.active(), "the test's two connections, and no more: " + whileHeld);
                    assertEquals(0, whileHeld.waiting(), "the fan-out stopped waiting: " + whileHeld);
                    assertNothingLeft(small.poolStats("db0"), fanOut);
                }
            }
            assertNoConnectionOut(small); // the test's two are back too
        }
    }

    @Test
    void logicalShardsOnOneDatabaseUseAtMostItsPoolSize() throws Exception {
        try (ShardCluster shared = sharedDatabase(2, 4); Gate gate = closedGate(dbs.database(3))) {
            ShardStreams fanOut = open(shared, s -> "select 'turns-marker', pg_sleep(0.3) from " + THROUGH_GATE,
                    settings(60_000, FailurePolicy.FAIL_FAST, 10));
            try (fanOut) {
                Await.until("2 shards' statements running on database 'one'", () -> activeBackends("turns-marker") == 2);
                PoolStats whileTwoRun = shared.poolStats("one");
                assertEquals(2, whileTwoRun.active(), "connections of database 'one' in use at once: " + whileTwoRun);
                assertEquals(0, whileTwoRun.waiting(), "the other 2 shards wait for their turn in the fan-out, not in "
                        + "the pool's queue: " + whileTwoRun);
                long opened = System.nanoTime();
                gate.open();
                fanOut.streams().forEach(ShardStreamsTest::drain);
                long ms = millisSince(opened);
                assertTrue(ms >= 600, "4 shards, 2 at a time, 0.3 s each, run in two waves: " + ms + " ms");
                assertStatuses(fanOut.outcomes(), Status.OK, Status.OK, Status.OK, Status.OK);
            }
            assertNothingLeft(shared, fanOut);
        }
    }

    @Test
    void shardsWaitingForTheirTurnOnADatabaseFailAtTheDeadlineSayingWhy() {
        try (ShardCluster shared = sharedDatabase(2, 4)) {
            ShardStreams fanOut = open(shared, s -> "select 'turn-marker', pg_sleep(30)", settings(500, FailurePolicy.PARTIAL, 10));
            try (fanOut) {
                fanOut.streams().forEach(ShardStreamsTest::drain);
                List<QueryOutcome> outcomes = fanOut.outcomes();
                assertStatuses(outcomes, Status.TIMED_OUT, Status.TIMED_OUT, Status.FAILED, Status.FAILED);
                assertEquals("[shard a2] no connection from database one within 500 ms (total=2, active=2, idle=0, waiting=0; "
                        + "this fan-out's other shards hold 2 of maximumPoolSize=2, 4 of its shards are on one) — the pool "
                        + "is exhausted; raise maximumPoolSize to 4 or lower concurrent use",
                        outcomes.get(2).error().orElseThrow().getMessage());
            }
            assertNothingLeft(shared, fanOut);
        }
    }

    @Test
    void closingEarlyCancelsTheRestAndReturnsEveryConnection() throws Exception {
        for (int i = 0; i < 4; i++) {
            try (Connection c = dbs.database(i).open(); Statement st = c.createStatement()) {
                st.execute("create sequence early_rows");
            }
        }
        ShardStreams fanOut = open(cluster, s -> "select n, nextval('early_rows'), 'early-marker' "
                + "from (select generate_series(1, 10000000) as n) t", settings(30_000, FailurePolicy.FAIL_FAST, 50));
        try (fanOut) {
            for (ShardStream stream : fanOut.streams()) {
                for (int i = 1; i <= 5; i++) assertEquals(i, stream.next().get("n", Integer.class));
            }
            fanOut.close(); // a LIMIT 20 satisfied
            assertNothingLeft(cluster, fanOut);
            awaitNoActiveBackends("early-marker", "a shard's query still runs after close()");
            for (int i = 0; i < 4; i++) {
                long made = querySingleLong(dbs.database(i), "select last_value from early_rows");
                // read, buffered, in hand, and a batch of 50 in the driver — not read to the end by close()
                assertTrue(made <= 300, "PostgreSQL produced " + made + " rows of s" + i + " for 5 read");
            }
            for (QueryOutcome o : fanOut.outcomes()) {
                assertEquals(Status.CANCELLED, o.status(), o.toString());
                assertTrue(o.rows() >= 5 && o.rows() <= 5 + 50 + 1, o.toString()); // read, buffered, in hand
                assertTrue(o.error().orElseThrow().getMessage().endsWith(": the fan-out was closed before this shard finished"), o.toString());
            }
            assertFalse(fanOut.streams().getFirst().hasNext(), "a closed fan-out's streams end");
            fanOut.close(); // idempotent
        }
    }

    @Test
    void anInterruptWhileWaitingClosesEverythingAndThrows() throws Exception {
        ShardStreams fanOut = open(cluster, s -> "select 'interrupt-marker', pg_sleep(30)", settings(30_000, FailurePolicy.PARTIAL, 10));
        try (fanOut) {
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            AtomicReference<Boolean> flagAfter = new AtomicReference<>();
            Thread consumer = Thread.ofVirtual().start(() -> {
                try {
                    fanOut.streams().getFirst().hasNext();
                } catch (Throwable t) {
                    thrown.set(t);
                }
                flagAfter.set(Thread.currentThread().isInterrupted());
            });
            Await.until("all 4 shards' statements running", () -> activeBackends("interrupt-marker") == 4);
            Await.until("the consumer waiting for s0's rows", () -> consumer.getState() == Thread.State.WAITING);
            consumer.interrupt();
            assertTrue(consumer.join(Await.GENEROUS), "the consumer is still blocked " + Await.GENEROUS + " after its interrupt");
            FanOutException e = assertInstanceOf(FanOutException.class, thrown.get());
            assertEquals("[shard s0] interrupted while waiting for its rows (4 shards: 4 cancelled) — the fan-out was "
                    + "closed: every shard stopped and its connection returned", e.getMessage());
            assertInstanceOf(InterruptedException.class, e.getCause());
            assertTrue(flagAfter.get(), "the interrupt flag is set again for the caller");
            assertStatuses(e.outcomes(), Status.CANCELLED, Status.CANCELLED, Status.CANCELLED, Status.CANCELLED);
            for (QueryOutcome o : e.outcomes()) {
                assertEquals("57014", sqlState(o.error().orElseThrow()), "cancelled on the server: " + o);
            }
            assertNothingLeft(cluster, fanOut);
            awaitNoActiveBackends("interrupt-marker", "a backend still runs pg_sleep(30)");
        }
    }

    @Test
    void aCallerSuppliedExecutorRunsTheShards() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            AtomicInteger submitted = new AtomicInteger();
            ExecutionSettings settings = new ExecutionSettings(Duration.ofSeconds(10), FailurePolicy.FAIL_FAST, task -> {
                submitted.incrementAndGet();
                pool.execute(task);
            }, 10);
            long t0 = System.nanoTime();
            ShardStreams fanOut = open(cluster, s -> "select pg_sleep(0.25)", settings);
            try (fanOut) {
                fanOut.streams().forEach(ShardStreamsTest::drain);
                long ms = millisSince(t0);
                assertTrue(ms >= 500, "2 threads for 4 shards of 0.25 s run in two waves: " + ms + " ms");
                assertStatuses(fanOut.outcomes(), Status.OK, Status.OK, Status.OK, Status.OK);
            }
            assertEquals(4, submitted.get());
            assertNothingLeft(cluster, fanOut);
            pool.shutdown();
            assertTrue(pool.awaitTermination(Await.GENEROUS.toSeconds(), TimeUnit.SECONDS),
                    "a task of the fan-out still holds an executor thread");
            assertEquals(4, ((ThreadPoolExecutor) pool).getCompletedTaskCount());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void impossibleSettingsAndASharedQueryAreRefused() {
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                () -> new ExecutionSettings(Duration.ZERO, FailurePolicy.PARTIAL, 10));
        assertEquals("timeout must be positive: PT0S", zero.getMessage());
        IllegalArgumentException fetch = assertThrows(IllegalArgumentException.class,
                () -> new ExecutionSettings(Duration.ofSeconds(1), FailurePolicy.PARTIAL, 0));
        assertEquals("fetchSize must be at least 1: 0", fetch.getMessage());

        var shared = cluster.shards().getFirst().dsl().resultQuery("select 1");
        IllegalArgumentException same = assertThrows(IllegalArgumentException.class,
                () -> ShardStreams.open(cluster.shards(), s -> shared, settings(1_000, FailurePolicy.PARTIAL, 10), cluster));
        assertEquals("queryFor returned the same query object for shards s0 and s1 — return a new query per shard "
                + "(e.g. built with shard.dsl()): each runs attached to its own shard's connection", same.getMessage());
        assertNoConnectionOut(cluster); // refused before anything started
    }

    @Test
    void onH2TooRowsStreamAndAnEarlyCloseReturnsEveryConnection() throws Exception {
        try (EmbeddedShards h2 = EmbeddedShards.start(Engine.H2, 2);
             ShardCluster c = ShardCluster.builder()
                     .database("h0", config(h2.database(0), 2)).database("h1", config(h2.database(1), 2))
                     .shard("s0", "h0").shard("s1", "h1").jump().build()) {
            for (int i = 0; i < 2; i++) {
                try (Connection conn = h2.database(i).open(); Statement st = conn.createStatement()) {
                    st.execute("create table t as select x as n from system_range(1, " + (500 - 200 * i) + ")");
                }
            }
            ShardStreams fanOut = open(c, s -> "select n from t order by n", settings(5_000, FailurePolicy.FAIL_FAST, 10));
            try (fanOut) {
                List<Record> s1 = drain(fanOut.streams().get(1));
                assertEquals(300, s1.size());
                assertEquals(300, s1.getLast().get(0, Integer.class));
                ShardStream s0 = fanOut.streams().getFirst();
                for (int i = 1; i <= 3; i++) assertEquals(i, s0.next().get(0, Integer.class));
                fanOut.close();
                assertStatuses(fanOut.outcomes(), Status.CANCELLED, Status.OK);
                assertNothingLeft(c, fanOut);
            }
            ShardStreams failing = open(c, s -> s.id().value().equals("s1") ? "select 1 / 0" : "select n from t",
                    settings(5_000, FailurePolicy.FAIL_FAST, 10));
            try (failing) {
                FanOutException e = assertThrows(FanOutException.class, () -> failing.streams().forEach(ShardStreamsTest::drain));
                assertEquals("[shard s1] failed: Division by zero: \"1\" (SQLState 22012)", e.getMessage());
                assertNothingLeft(c, failing);
            }
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    static ShardStreams open(ShardCluster c, Function<Shard, String> sql, ExecutionSettings settings) {
        return ShardStreams.open(c.shards(), s -> s.dsl().resultQuery(sql.apply(s)), settings, c);
    }

    static ExecutionSettings settings(long timeoutMs, FailurePolicy policy, int fetchSize) {
        return new ExecutionSettings(Duration.ofMillis(timeoutMs), policy, fetchSize);
    }

    static DatabaseConfig config(TestDatabase db, int maximumPoolSize) {
        return new DatabaseConfig(db.jdbcUrl(), db.username(), db.password(), null,
                new PoolConfig(maximumPoolSize, 1, null, null, null));
    }

    /** {@code shards} logical shards a0.. in schemas of one database 'one', whose pool has {@code maxPool} connections. */
    static ShardCluster sharedDatabase(int maxPool, int shards) {
        TestDatabase db = dbs.database(3);
        ShardClusterBuilder b = ShardCluster.builder().database("one", new DatabaseConfig(db.jdbcUrl(), db.username(),
                db.password(), null, new PoolConfig(maxPool, maxPool, null, null, null)));
        for (int i = 0; i < shards; i++) b.shard("a" + i, "one", "sa" + i);
        return b.jump().build();
    }

    static int size(Shard s) {
        int i = Integer.parseInt(s.id().value().substring(1));
        return 1000 * (i + 1) + i;
    }

    static List<Record> drain(ShardStream stream) {
        List<Record> rows = new ArrayList<>();
        while (stream.hasNext()) rows.add(stream.next());
        return rows;
    }

    static void assertStatuses(List<QueryOutcome> outcomes, Status... expected) {
        assertEquals(List.of(expected), outcomes.stream().map(QueryOutcome::status).toList(), outcomes.toString());
    }

    static void assertNoConnectionOut(ShardCluster c) {
        for (PoolStats p : c.poolStats()) {
            assertEquals(0, p.active(), "connection still checked out: " + p);
        }
    }

    /**
     * After close() (or a thrown FanOutException): no connection checked out of any pool, no shard task or watchdog
     * thread running, and an outcome for every shard.
     */
    static void assertNothingLeft(ShardCluster c, ShardStreams fanOut) {
        assertNoConnectionOut(c);
        assertEquals(0, fanOut.running(), "shard tasks or the watchdog still running");
        assertEquals(c.shards().size(), fanOut.outcomes().size());
    }

    /** The same, for a pool that someone else (the test) still uses. */
    static void assertNothingLeft(PoolStats pool, ShardStreams fanOut) {
        assertEquals(0, pool.active(), "connection still checked out: " + pool);
        assertEquals(0, fanOut.running(), "shard tasks or the watchdog still running");
    }

    static long millisSince(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    static String sqlState(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) return sql.getSQLState();
        }
        return null;
    }

    /** Backends of the server (any database) actively running a statement whose text contains {@code marker}. */
    static int activeBackends(String marker) throws SQLException {
        try (Connection c = dbs.database(0).open();
             PreparedStatement ps = c.prepareStatement("select count(*) from pg_stat_activity where state = 'active' "
                     + "and query like '%' || ? || '%' and pid <> pg_backend_pid()")) {
            ps.setString(1, marker);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** Gives the server's statistics time to catch up with a cancel that already happened; fails with {@code why}. */
    static void awaitNoActiveBackends(String marker, String why) throws Exception {
        Await.until("no backend running '" + marker + "' (" + why + ")", () -> activeBackends(marker) == 0);
    }

    /**
     * Holds the advisory lock that {@link #THROUGH_GATE} takes shared, in each of {@code databases}, until
     * {@link Gate#open()}: a statement selecting from it runs — active in {@code pg_stat_activity} — and waits there.
     */
    static Gate closedGate(TestDatabase... databases) throws SQLException {
        List<Connection> held = new ArrayList<>();
        try {
            for (TestDatabase db : databases) {
                Connection c = db.open();
                held.add(c);
                try (Statement st = c.createStatement()) {
                    st.execute("select pg_advisory_lock(" + GATE_KEY + ")");
                }
            }
            return new Gate(held);
        } catch (SQLException | RuntimeException e) {
            new Gate(held).open();
            throw e;
        }
    }

    record Gate(List<Connection> held) implements AutoCloseable {
        /** Lets every statement waiting at the gate go on (the lock goes with its session). */
        void open() throws SQLException {
            for (Connection c : held) c.close();
        }

        @Override
        public void close() throws SQLException {
            open();
        }
    }

    static long querySingleLong(TestDatabase db, String sql) throws SQLException {
        try (Connection c = db.open(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
