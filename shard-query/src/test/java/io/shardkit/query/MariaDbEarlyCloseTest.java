package io.shardkit.query;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.select;
import static org.jooq.impl.DSL.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jooq.Field;
import org.jooq.Record2;
import org.jooq.Record;
import org.jooq.Select;
import org.jooq.Table;
import org.jooq.impl.SQLDataType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fan-out on 3 embedded MariaDB shards, each with a view of 200,000 rows of about 1 KB (≈ 200 MB a shard).
 * Connector/J reads every remaining row of a streaming result when it is closed; a fan-out closed early — a stream
 * left after 50 rows, a LIMIT reached, FAIL_FAST after one shard failed — must instead end each shard's query on
 * the server. Measured by what the server sent ({@code Bytes_sent}), not by the clock: what fills the socket buffers
 * (a few MB a shard on loopback), not the 600 MB of the three results.
 */
class MariaDbEarlyCloseTest {
    static final int ROWS = 200_000;
    static final Table<Record> BIG = table(name("big"));
    static final Field<Long> N = field(name("n"), SQLDataType.BIGINT);
    static final Field<String> PAD = field(name("pad"), SQLDataType.VARCHAR(1000));

    static EmbeddedShards dbs;
    static ShardCluster cluster; // s0..s2 on db0..db2, one connection each
    static Map<ShardId, Long> threads; // the server thread behind each shard's only pooled connection
    static long oneShardBytes; // what the server sends for one shard's whole result

    @BeforeAll
    static void start() throws Exception {
        dbs = EmbeddedShards.start(Engine.MARIADB, 3);
        ShardClusterBuilder b = ShardCluster.builder();
        for (int i = 0; i < 3; i++) {
            try (Connection c = dbs.database(i).open(); Statement st = c.createStatement()) {
                st.execute("create view big as select seq as n, repeat('x', 1000) as pad from seq_1_to_" + ROWS);
                st.execute("create view small as select seq as n, repeat('x', 1000) as pad from seq_1_to_1000");
                // the same rows as big, except that on s1 row 5,000 fails the query while it streams
                st.execute("create function fail_at(x bigint, at bigint) returns bigint deterministic begin "
                        + "if x = at then signal sqlstate '45000' set message_text = 'row 5000 is broken'; end if; return x; end");
                st.execute("create view breaks as select seq as n, repeat('x', 1000) as pad from seq_1_to_" + ROWS
                        + " where fail_at(seq, " + (i == 1 ? 5000 : 0) + ") = seq");
            }
            b.database("db" + i, config(dbs.database(i)));
            b.shard("s" + i, "db" + i);
        }
        cluster = b.jump().build();
        threads = threads();
        long before = bytesSent();
        try (Connection c = dbs.database(0).open(); Statement st = c.createStatement()) {
            st.setFetchSize(1000);
            try (ResultSet rs = st.executeQuery("select n, pad from big")) {
                while (rs.next()) {
                    rs.getLong(1);
                }
            }
        }
        oneShardBytes = bytesSent() - before;
        assertTrue(oneShardBytes > 200_000_000, "one shard's result is " + oneShardBytes + " bytes");
    }

    @AfterAll
    static void stop() {
        if (cluster != null) cluster.close();
        if (dbs != null) dbs.close();
    }

    /** After every case: nothing checked out, and each pool still has its connection (not aborted and replaced). */
    @AfterEach
    void everyConnectionIsBackAndUsable() {
        for (PoolStats p : cluster.poolStats()) {
            assertEquals(0, p.active(), "connection still checked out: " + p);
            assertEquals(1, p.total(), "the pool lost its connection: " + p);
        }
        assertEquals(threads, threads(), "a pooled connection was destroyed and replaced");
    }

    @Test
    void theFanOutStreamsOnMariaDb() throws Exception {
        long before = bytesSent();
        ShardStreams fanOut = ShardStreams.open(cluster.shards(), s -> s.dsl().select(N, PAD).from(BIG),
                new ExecutionSettings(Duration.ofSeconds(30), FailurePolicy.FAIL_FAST, 100), cluster);
        try (fanOut) {
            for (ShardStream stream : fanOut.streams()) {
                for (int i = 1; i <= 5; i++) assertEquals(i, stream.next().get(N));
            }
            for (int i = 0; i < 3; i++) {
                long read = awaitStable(fanOut, i);
                assertTrue(read >= 100 && read <= 5 + 100 + 1, "shard " + i + " read " + read + " rows ahead of the consumer");
            }
            long sent = bytesSent() - before;
            assertTrue(sent < oneShardBytes / 4, "the server sent " + sent + " bytes for 15 rows read: the results were "
                    + "fetched whole, not streamed (one shard's result is " + oneShardBytes + " bytes)");
        }
    }

    @Test
    void closingAStreamEarlyDoesNotReadTheRestOfEveryShard() throws Exception {
        long before = bytesSent();
        List<Long> ids;
        try (Stream<Record2<Long, String>> rows = FanOut.on(cluster).select(select(N, PAD).from(BIG).orderBy(N))
                .fetchSize(100).stream()) {
            ids = rows.limit(50).map(r -> r.value1()).toList();
        }
        long sent = bytesSent() - before;
        assertEquals(50, ids.size());
        assertTrue(sent < oneShardBytes / 4, "closing after 50 rows: the server sent " + sent + " bytes; the three "
                + "results are " + 3 * oneShardBytes);
    }

    @Test
    void aLimitReachedDoesNotReadTheRestOfEveryShard() throws Exception {
        long before = bytesSent();
        FanOutResult<Record2<Long, String>> r = FanOut.on(cluster).select(select(N, PAD).from(BIG).limit(50)).fetchSize(100).fetch();
        long sent = bytesSent() - before;
        assertEquals(50, r.rows().size());
        assertTrue(sent < oneShardBytes / 4, "a LIMIT 50: the server sent " + sent + " bytes; the three results are "
                + 3 * oneShardBytes);
        assertTrue(r.complete(), r.outcomes().toString());
    }

    @Test
    void failFastDoesNotReadTheRestOfTheOtherShards() throws Exception {
        long before = bytesSent();
        FanOutException e;
        try (Stream<Record2<Long, String>> rows = FanOut.on(cluster).select(select(N, PAD).from(table(name("breaks"))).orderBy(N))
                .fetchSize(100).stream()) {
            e = assertThrows(FanOutException.class, () -> rows.forEach(r -> { }));
        }
        long sent = bytesSent() - before;
        assertTrue(e.getMessage().matches("\\[shard s1] failed: (\\(conn=\\d+\\) )?row 5000 is broken \\(SQLState 45000\\)"),
                e.getMessage());
        assertEquals(List.of(Status.CANCELLED, Status.FAILED, Status.CANCELLED),
                e.outcomes().stream().map(QueryOutcome::status).toList(), e.outcomes().toString());
        assertTrue(sent < oneShardBytes / 4, "FAIL_FAST: the server sent " + sent + " bytes; the three results are "
                + 3 * oneShardBytes);
    }

    @Test
    void aConnectionWhoseSmallResultWasLeftEarlyServesTheNextQuery() {
        // The whole result fits in the socket buffers: the server has finished it when the fan-out ends it early.
        for (int round = 0; round < 5; round++) {
            try (Stream<Record2<Long, String>> rows = FanOut.on(cluster).select(select(N, PAD).from(table(name("small"))).orderBy(N))
                    .fetchSize(10).stream()) {
                assertEquals(5, rows.limit(5).count());
            }
            FanOutResult<ShardValue<Long>> next = FanOut.on(cluster).forEachShard(Duration.ofSeconds(10),
                    dsl -> dsl.resultQuery("select count(*) from small").fetchOne(0, Long.class));
            assertEquals(List.of(1000L, 1000L, 1000L), next.rows().stream().map(ShardValue::value).toList(), "round " + round);
        }
    }

    @Test
    void forEachShardKillsAShardPastItsDeadlineOnTheServer() throws Exception {
        FanOutResult<ShardValue<Object>> r = FanOut.on(cluster).forEachShard(Duration.ofSeconds(1), FailurePolicy.PARTIAL,
                dsl -> {
                    String db = dsl.resultQuery("select database()").fetchOne(0, String.class);
                    // SLEEP() killed returns 1 instead of failing: the work returns, yet did not answer in time
                    return db.equals(dbs.database(1).name()) ? dsl.fetchValue("select sleep(30) /* foreach-kill-marker */") : db;
                });
        assertEquals(0, running("foreach-kill-marker"), "the server still runs SLEEP(30)");
        assertEquals(List.of(Status.OK, Status.TIMED_OUT, Status.OK),
                r.outcomes().stream().map(QueryOutcome::status).toList(), r.outcomes().toString());
        assertEquals(List.of(dbs.database(0).name(), dbs.database(2).name()), r.rows().stream().map(ShardValue::value).toList());
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    static DatabaseConfig config(TestDatabase db) {
        return new DatabaseConfig(db.jdbcUrl(), db.username(), db.password(), null, new PoolConfig(1, 1, null, null, null));
    }

    static Map<ShardId, Long> threads() {
        return cluster.shards().stream().collect(Collectors.toMap(s -> s.id(),
                s -> s.dsl().resultQuery("select connection_id()").fetchOne(0, Long.class)));
    }

    /** Statements the server is running whose text contains {@code marker}. */
    static int running(String marker) throws SQLException {
        try (Connection c = dbs.database(0).open(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select count(*) from information_schema.processlist where command = 'Query' "
                     + "and info like '%" + marker + "%' and id <> connection_id()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Bytes the server has sent to all its clients. */
    static long bytesSent() throws SQLException {
        try (Connection c = dbs.database(0).open(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("show global status like 'Bytes_sent'")) {
            rs.next();
            return rs.getLong(2);
        }
    }

    static long awaitStable(ShardStreams fanOut, int shard) throws InterruptedException {
        long last = -1;
        for (int i = 0; i < 50; i++) {
            Thread.sleep(100);
            long now = fanOut.rowsRead(shard);
            if (now == last && now > 0) return now;
            last = now;
        }
        return last;
    }
}
