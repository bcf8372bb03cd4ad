package io.shardkit.query;

import static io.shardkit.query.OutcomeChecks.assertTookAtLeast;
import static io.shardkit.query.OutcomeChecks.rootCause;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkit.cluster.PoolStats;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link FanOut#forEachShard} on 4 embedded PostgreSQL databases, each behind a pool of exactly one connection: a shard
 * past its deadline or stopped by another shard's failure has its statement cancelled on the server (never its thread
 * interrupted inside the driver), so after every call the statement is gone from {@code pg_stat_activity}, no connection
 * is checked out, and each pool still serves the very same backend it had before.
 */
class ForEachShardTest {
    static EmbeddedShards dbs;
    static ShardCluster cluster; // s0..s3 on db0..db3, one connection each
    static Map<ShardId, Integer> backends; // the backend pid behind each shard's only pooled connection

    @BeforeAll
    static void start() {
        dbs = EmbeddedShards.start(Engine.POSTGRES, 4);
        ShardClusterBuilder b = ShardCluster.builder();
        for (int i = 0; i < 4; i++) {
            b.database("db" + i, config(dbs.database(i), 1));
            b.shard("s" + i, "db" + i);
        }
        cluster = b.jump().build();
        backends = pids();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) cluster.close();
        if (dbs != null) dbs.close();
    }

    /** After every case: nothing checked out, and every pool kept its connection (none was destroyed and replaced). */
    @AfterEach
    void everyConnectionIsBackAndUsable() {
        for (PoolStats p : cluster.poolStats()) {
            assertEquals(0, p.active(), "connection still checked out: " + p);
            assertEquals(1, p.total(), "the pool lost its connection: " + p);
            assertEquals(1, p.idle(), p.toString());
        }
        assertEquals(backends, pids(), "a pooled connection was destroyed and replaced by a new backend");
    }

    @Test
    void aShardPastTheTimeoutIsCancelledOnTheServerAndEndsTimedOut() throws Exception {
        FanOutException e = assertThrows(FanOutException.class, () -> FanOut.on(cluster).forEachShard(Duration.ofSeconds(1),
                dsl -> shard(dsl).equals("s1")
                        ? dsl.fetch("select 'foreach-deadline-marker', pg_sleep(30)")
                        : dsl.fetch("select 1")));
        awaitNoActiveBackends("foreach-deadline-marker", "the backend still runs pg_sleep(30)");
        assertNoConnectionOut();
        assertStatuses(e.outcomes(), Status.OK, Status.TIMED_OUT, Status.OK, Status.OK);
        QueryOutcome late = e.outcomes().get(1);
        assertTookAtLeast(Duration.ofSeconds(1), late, "s1 ran until the timeout");
        assertEquals("57014", sqlState(late.error().orElseThrow()), "query_canceled, from the server: " + late);
        assertTrue(e.getMessage().startsWith("[shard s1] timed out: not finished within 1000 ms"), e.getMessage());
    }

    @Test
    void failFastStopsTheOthersOnTheServerAndNamesTheFailedShard() throws Exception {
        FanOutException e = assertThrows(FanOutException.class, () -> FanOut.on(cluster).forEachShard(Duration.ofSeconds(60),
                dsl -> {
                    if (shard(dsl).equals("s2")) {
                        // the others' statements run, so each has one to cancel
                        Await.until("the 3 other shards' statements running", () -> activeBackends("foreach-failfast-marker") == 3);
                        dsl.fetchValue("select pg_sleep(0.5)");
                        throw new IllegalStateException("s2 gives up");
                    }
                    return dsl.fetch("select 'foreach-failfast-marker', pg_sleep(30)");
                }));
        awaitNoActiveBackends("foreach-failfast-marker", "a backend still runs pg_sleep(30)");
        assertNoConnectionOut();
        assertEquals("[shard s2] failed: java.lang.IllegalStateException: s2 gives up", e.getMessage());
        assertInstanceOf(IllegalStateException.class, rootCause(e));
        assertStatuses(e.outcomes(), Status.CANCELLED, Status.CANCELLED, Status.FAILED, Status.CANCELLED);
        assertTookAtLeast(Duration.ofMillis(500), e.outcomes().get(2), "s2 failed after its pg_sleep(0.5)");
        for (int i : new int[] {0, 1, 3}) {
            Throwable cancelled = e.outcomes().get(i).error().orElseThrow();
            assertEquals("57014", sqlState(cancelled), "s" + i + "'s statement was cancelled on the server: " + cancelled);
        }
    }

    @Test
    void partialReturnsTheHealthyShardsValuesAndAnOutcomePerShard() throws Exception {
        FanOutResult<ShardValue<Integer>> r = FanOut.on(cluster).forEachShard(Duration.ofSeconds(1), FailurePolicy.PARTIAL,
                dsl -> switch (shard(dsl)) {
                    case "s1" -> dsl.resultQuery("select 1 / 0").fetchOne(0, Integer.class);
                    case "s3" -> dsl.resultQuery("select 3 from pg_sleep(30) where 'foreach-partial-marker' <> ''").fetchOne(0, Integer.class);
                    default -> dsl.resultQuery("select 10 + " + shard(dsl).substring(1)).fetchOne(0, Integer.class);
                });
        awaitNoActiveBackends("foreach-partial-marker", "the backend still runs pg_sleep(30)");
        assertNoConnectionOut();
        assertEquals(List.of(new ShardValue<>(ShardId.of("s0"), 10), new ShardValue<>(ShardId.of("s2"), 12)), r.rows());
        assertStatuses(r.outcomes(), Status.OK, Status.FAILED, Status.OK, Status.TIMED_OUT);
        assertEquals("22012", sqlState(r.outcomes().get(1).error().orElseThrow()), r.outcomes().get(1).toString());
        assertEquals("57014", sqlState(r.outcomes().get(3).error().orElseThrow()), r.outcomes().get(3).toString());
        assertTrue(!r.complete());
        FanOutException e = assertThrows(FanOutException.class, r::orThrow);
        assertTrue(e.getMessage().startsWith("fan-out incomplete: 2 of 4 shards did not answer"), e.getMessage());
    }

    @Test
    void anAssertionErrorInTheWorkFailsThatShardAndNeverHangs() throws Exception {
        FanOutException e = assertThrows(FanOutException.class, () -> FanOut.on(cluster).forEachShard(Duration.ofSeconds(10),
                dsl -> {
                    if (shard(dsl).equals("s1")) {
                        dsl.fetchValue("select pg_sleep(0.2)");
                        throw new AssertionError("s1 is inconsistent");
                    }
                    return dsl.fetch("select 'foreach-error-marker', pg_sleep(30)");
                }));
        awaitNoActiveBackends("foreach-error-marker", "a backend still runs pg_sleep(30)");
        assertNoConnectionOut();
        assertEquals("[shard s1] failed: java.lang.AssertionError: s1 is inconsistent", e.getMessage());
        // cancelled, not timed out: the error stopped the others, nobody waited for the 10 s deadline
        assertStatuses(e.outcomes(), Status.CANCELLED, Status.FAILED, Status.CANCELLED, Status.CANCELLED);
        assertInstanceOf(AssertionError.class, rootCause(e.outcomes().get(1).error().orElseThrow()));

        FanOutResult<ShardValue<String>> partial = FanOut.on(cluster).forEachShard(Duration.ofSeconds(10), FailurePolicy.PARTIAL,
                dsl -> {
                    if (shard(dsl).equals("s0")) throw new AssertionError("s0 is inconsistent");
                    return shard(dsl);
                });
        assertStatuses(partial.outcomes(), Status.FAILED, Status.OK, Status.OK, Status.OK);
        assertEquals(List.of("s1", "s2", "s3"), partial.rows().stream().map(ShardValue::value).toList());
        assertInstanceOf(AssertionError.class, rootCause(partial.outcomes().getFirst().error().orElseThrow()));
    }

    @Test
    void theWorkRunsOnOneConnectionOfItsShardAndEveryShardRunsAtOnce() {
        CountDownLatch working = new CountDownLatch(4);
        FanOutResult<ShardValue<List<Integer>>> r = FanOut.on(cluster).forEachShard(Duration.ofSeconds(60), dsl -> {
            List<Integer> pids = new ArrayList<>();
            pids.add(dsl.resultQuery("select pg_backend_pid()").fetchOne(0, Integer.class));
            Await.together(working, 4, "shards holding their connection"); // one after another, none would pass
            pids.add(dsl.resultQuery("select pg_backend_pid()").fetchOne(0, Integer.class));
            return pids;
        });
        assertStatuses(r.outcomes(), Status.OK, Status.OK, Status.OK, Status.OK);
        for (ShardValue<List<Integer>> v : r.rows()) {
            int pid = backends.get(v.shard());
            assertEquals(List.of(pid, pid), v.value(), "statements of " + v.shard() + " ran on its one pooled connection");
        }
        assertNoConnectionOut();
    }

    @Test
    void logicalShardsInSchemasOfOneDatabaseShareItsPoolWithinItsSize() throws Exception {
        TestDatabase db = dbs.database(3);
        try (Connection c = db.open(); var st = c.createStatement()) {
            for (int i = 0; i < 4; i++) {
                st.execute("create schema sa" + i);
                st.execute("create table sa" + i + ".t as select generate_series(1, " + (i + 1) + ") as n");
            }
        }
        ShardClusterBuilder b = ShardCluster.builder().database("one", new DatabaseConfig(db.jdbcUrl(), db.username(),
                db.password(), null, new PoolConfig(2, 2, null, null, null)));
        for (int i = 0; i < 4; i++) b.shard("a" + i, "one", "sa" + i);
        try (ShardCluster shared = b.jump().build()) {
            AtomicInteger running = new AtomicInteger();
            AtomicInteger peak = new AtomicInteger();
            CountDownLatch firstTwo = new CountDownLatch(2);
            FanOutResult<ShardValue<Integer>> r = FanOut.on(shared).forEachShard(Duration.ofSeconds(60), dsl -> {
                peak.accumulateAndGet(running.incrementAndGet(), Math::max);
                try {
                    Await.together(firstTwo, 2, "shards of database 'one'"); // the first two meet, the others pass
                    return dsl.fetchCount(DSL.table(DSL.name("t"))); // the shard's own schema
                } finally {
                    running.decrementAndGet();
                }
            });
            assertEquals(List.of(1, 2, 3, 4), r.rows().stream().map(ShardValue::value).toList());
            assertEquals(2, peak.get(), "shards working at once on a database whose pool has 2 connections");
            assertEquals(0, shared.poolStats("one").active());
        }
    }

    @Test
    void theFailFastSignatureStillReturnsEveryShardsValue() {
        FanOutResult<ShardValue<String>> r = FanOut.on(cluster).forEachShard(Duration.ofSeconds(5), ForEachShardTest::shard);
        assertEquals(List.of("s0", "s1", "s2", "s3"), r.rows().stream().map(ShardValue::value).toList());
        assertEquals(cluster.shards().stream().map(s -> s.id()).toList(), r.rows().stream().map(ShardValue::shard).toList());
        assertStatuses(r.outcomes(), Status.OK, Status.OK, Status.OK, Status.OK);
        assertTrue(r.complete());
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    /** The shard a context works on, told by the database it is connected to (db0 → s0). */
    static String shard(DSLContext dsl) {
        String database = dsl.resultQuery("select current_database()").fetchOne(0, String.class);
        for (int i = 0; i < 4; i++) {
            if (dbs.database(i).name().equals(database)) return "s" + i;
        }
        throw new AssertionError("unknown database " + database);
    }

    static Map<ShardId, Integer> pids() {
        return cluster.shards().stream().collect(Collectors.toMap(s -> s.id(),
                s -> s.dsl().resultQuery("select pg_backend_pid()").fetchOne(0, Integer.class)));
    }

    static DatabaseConfig config(TestDatabase db, int maximumPoolSize) {
        return new DatabaseConfig(db.jdbcUrl(), db.username(), db.password(), null,
                new PoolConfig(maximumPoolSize, maximumPoolSize, null, null, null));
    }

    static void assertNoConnectionOut() {
        for (PoolStats p : cluster.poolStats()) assertEquals(0, p.active(), "connection still checked out: " + p);
    }

    static void assertStatuses(List<QueryOutcome> outcomes, Status... expected) {
        assertEquals(List.of(expected), outcomes.stream().map(QueryOutcome::status).toList(), outcomes.toString());
    }

    static String sqlState(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) return sql.getSQLState();
        }
        return null;
    }

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
}
