package io.shardkit.cluster.endtoend;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkit.cluster.ConsistencyToken;
import io.shardkit.cluster.ReadOnly;
import io.shardkit.cluster.ShardCluster;
import io.shardkit.cluster.ShardKey;
import io.shardkit.cluster.ShardSession;
import io.shardkit.cluster.config.ClusterConfig.DatabaseConfig;
import io.shardkit.cluster.config.ClusterConfig.ReadsConfig;
import io.shardkit.cluster.config.ClusterConfig.ReplicaConfig;
import io.shardkit.cluster.config.ClusterConfig.ShardConfig;
import io.shardkit.cluster.config.ClusterConfig.StrategyConfig;
import io.shardkit.cluster.config.ClusterConfig;
import io.shardkit.test.ReplicatedPostgres;
import io.shardkit.test.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.SQLDataType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Replica reads and read-your-writes on real PostgreSQL streaming replication. Staleness is made deterministic by
 * pausing WAL replay on the replica: a plain replica read must then see the old value (which proves these tests
 * can fail), while a read-your-writes read must see the new one.
 */
class ReadReplicaEndToEndTest {
    static final Table<Record> KV = table(name("kv"));
    static final Field<Long> K = field(name("k"), SQLDataType.BIGINT.notNull());
    static final Field<String> V = field(name("v"), SQLDataType.VARCHAR(40).notNull());

    /** A repository with one replica-eligible read. */
    public interface Values {
        @ReadOnly
        String read(@ShardKey long key);

        void write(@ShardKey long key, String value);
    }

    record JooqValues(DSLContext dsl) implements Values {
        @Override
        public String read(long key) {
            return dsl.select(V).from(KV).where(K.eq(key)).fetchOne(V);
        }

        @Override
        public void write(long key, String value) {
            dsl.update(KV).set(V, value).where(K.eq(key)).execute();
        }
    }

    static ReplicatedPostgres pg;
    ShardCluster cluster;
    final long key = 1;

    @BeforeAll
    static void startReplication() throws Exception {
        pg = ReplicatedPostgres.start(2);
        for (TestDatabase db : pg.primaries()) {
            try (Connection c = db.open()) {
                c.createStatement().execute("create table kv (k bigint primary key, v varchar(40) not null)");
            }
        }
    }

    @AfterAll
    static void stopReplication() {
        pg.close();
    }

    static ClusterConfig config(long maxLagMs, long retryAfterMs) {
        return config(maxLagMs, retryAfterMs, 0);
    }

    static ClusterConfig config(long maxLagMs, long retryAfterMs, long stickyMs) {
        Map<String, DatabaseConfig> dbs = new LinkedHashMap<>();
        for (int i = 0; i < 2; i++) {
            TestDatabase p = pg.primaries().get(i);
            TestDatabase r = pg.replicas().get(i);
            dbs.put("db" + i, new DatabaseConfig(p.jdbcUrl(), p.username(), p.password(), null, null,
                    List.of(new ReplicaConfig(r.jdbcUrl(), r.username(), r.password(), null))));
        }
        return new ClusterConfig(dbs, List.of(new ShardConfig("s0", "db0", null, null), new ShardConfig("s1", "db1", null, null)),
                new StrategyConfig("jump", null, null, null), "long", Map.of(),
                new ReadsConfig(maxLagMs, 0L, retryAfterMs, stickyMs));
    }

    @BeforeEach
    void start() {
        pg.resumeReplay();
        cluster = ShardCluster.create(config(60_000, 200));
        cluster.dsl(key).deleteFrom(KV).execute();
        cluster.dsl(key).insertInto(KV, K, V).values(key, "old").execute();
        pg.awaitReplayCaughtUp(Duration.ofSeconds(10));
        awaitReplicaUsed(cluster);
    }

    /** Replicas are probed in the background: a new cluster reads its primary until the first probe is in. */
    static void awaitReplicaUsed(ShardCluster c) {
        Await.until("a replica probed usable", () -> c.readDsl(1L) != c.dsl(1L));
    }

    @AfterEach
    void stop() {
        pg.resumeReplay();
        cluster.close();
    }

    static boolean onReplica(DSLContext dsl) {
        return (Boolean) dsl.fetchValue("select pg_is_in_recovery()");
    }

    @Test
    void aPlainReplicaReadIsStaleWhileReadYourWritesSeesTheNewValue() {
        Values values = cluster.repository(Values.class, JooqValues::new);
        assertTrue(onReplica(cluster.readDsl(key)), "with replay running, reads use the replica");
        pg.pauseReplay();

        ShardSession session = cluster.session();
        session.repository(Values.class).write(key, "new");

        // The stale replica answers plain reads: this is what the test guards against.
        assertEquals("old", values.read(key));
        assertEquals("old", cluster.readDsl(key).select(V).from(KV).fetchOne(V));
        // The session that wrote reads its write, from the primary, since the replica has not replayed it.
        assertEquals("new", session.repository(Values.class).read(key));
        assertEquals("new", session.readDsl(key).select(V).from(KV).fetchOne(V));
        assertTrue(!onReplica(session.readDsl(key)), "the session's read went to the primary");

        // The token crosses a request boundary as a string and keeps the guarantee.
        String token = session.token().toString();
        assertTrue(token.startsWith(cluster.shardFor(key) + "@"), token);
        ShardSession nextRequest = cluster.session(ConsistencyToken.parse(token));
        assertEquals("new", nextRequest.readDsl(key).select(V).from(KV).fetchOne(V));
        assertEquals("new", cluster.readDsl(key, ConsistencyToken.parse(token), Duration.ZERO).select(V).from(KV).fetchOne(V));

        // Once replay resumes and passes the token, the replica is used again — and has the new value.
        pg.resumeReplay();
        pg.awaitReplayCaughtUp(Duration.ofSeconds(10));
        Await.until("the probe sees the replica past the token", () -> nextRequest.readDsl(key) != cluster.dsl(key));
        DSLContext read = nextRequest.readDsl(key);
        assertTrue(onReplica(read), "caught up: the token's read uses the replica again");
        assertEquals("new", read.select(V).from(KV).fetchOne(V));
        assertEquals("new", values.read(key));
    }

    @Test
    void aTokenedReadWaitsForTheReplicaWhenAskedTo() throws Exception {
        pg.pauseReplay();
        ShardSession session = cluster.session();
        session.dsl(key).update(KV).set(V, "waited").where(K.eq(key)).execute();
        ConsistencyToken token = session.token();
        CompletableFuture<DSLContext> chosen = new CompletableFuture<>();
        Thread reader = Thread.ofPlatform().start(() -> chosen.complete(cluster.readDsl(key, token, Duration.ofSeconds(120))));
        // the read parks between looks at the probe's replay position: seen parked, it is waiting, not answered
        Await.until("the tokened read waiting for the paused replica", () -> reader.getState() == Thread.State.TIMED_WAITING);
        assertFalse(chosen.isDone(), "it did not settle for the primary while the replica is behind");
        pg.resumeReplay();
        DSLContext read = chosen.get(150, TimeUnit.SECONDS);
        assertTrue(onReplica(read), "it waited for the replica to catch up instead of going to the primary");
        assertEquals("waited", read.select(V).from(KV).fetchOne(V));
    }

    @Test
    void aReplicaFurtherBehindThanTheBoundIsSkipped() throws Exception {
        try (ShardCluster strict = ShardCluster.create(config(200, 200))) {
            awaitReplicaUsed(strict);
            assertTrue(onReplica(strict.readDsl(key)));
            pg.pauseReplay();
            strict.dsl(key).update(KV).set(V, "pending").where(K.eq(key)).execute();
            awaitReceived();
            // lag grows while replay is paused; once a probe has measured it past 200 ms, reads skip the replica
            Await.until("the probe sees the replica past the lag bound", () -> strict.readDsl(key) == strict.dsl(key));
            DSLContext read = strict.readDsl(key);
            assertTrue(!onReplica(read), "the lagging replica was skipped");
            assertEquals("pending", read.select(V).from(KV).fetchOne(V));
            // The lenient cluster still uses the same replica: the bound is what decided.
            assertTrue(onReplica(cluster.readDsl(key)));
        }
    }

    @Test
    void aReplicaThatFailsIsSkippedAndRetriedLater() throws Exception {
        assertTrue(onReplica(cluster.readDsl(key)));
        pg.stopReplica();
        try {
            Await.until("the probe sees the replica down", () -> cluster.readDsl(key) == cluster.dsl(key));
            DSLContext read = cluster.readDsl(key);
            assertTrue(!onReplica(read), "the stopped replica was skipped");
            assertEquals("old", read.select(V).from(KV).fetchOne(V));
        } finally {
            pg.startReplica();
        }
        pg.awaitReplayCaughtUp(Duration.ofSeconds(10));
        awaitReplicaUsed(cluster); // past retryFailedReplicaAfterMs, and probed again
        assertTrue(onReplica(cluster.readDsl(key)), "retried and used again");
    }

    /**
     * A window far longer than any test run holds the session on the primary although the replica is provably
     * past its write; a short one ends, and not before its time. No step depends on how fast the machine is.
     */
    @Test
    void withAStickyWindowASessionReadsThePrimaryForAWhileAfterItsWrite() throws Exception {
        try (ShardCluster sticky = ShardCluster.create(config(60_000, 200, Duration.ofMinutes(10).toMillis()))) {
            awaitReplicaUsed(sticky);
            ShardSession session = sticky.session();
            session.dsl(key).update(KV).set(V, "sticky").where(K.eq(key)).execute();
            // A session seeded with the writer's token but without its write reads the replica once the probe has
            // seen it past the write: from then on only the window can keep the writer on the primary.
            ShardSession sameTokenNoWrite = sticky.session(session.token());
            Await.until("the replica probed past the write", () -> sameTokenNoWrite.readDsl(key) != sticky.dsl(key));
            assertEquals("sticky", sameTokenNoWrite.readDsl(key).select(V).from(KV).fetchOne(V));

            assertTrue(!onReplica(session.readDsl(key)), "inside the sticky window: the primary");
            // Other callers read the replica meanwhile.
            assertTrue(onReplica(sticky.readDsl(key)));
        }
        long windowMs = 300;
        try (ShardCluster brief = ShardCluster.create(config(60_000, 200, windowMs))) {
            awaitReplicaUsed(brief);
            ShardSession session = brief.session();
            long beforeWrite = System.nanoTime();
            session.dsl(key).update(KV).set(V, "brief").where(K.eq(key)).execute();
            Await.until("the writer back on the replica after its window", () -> session.readDsl(key) != brief.dsl(key));
            // A lower bound only: a slow machine makes it longer, never shorter.
            long heldMs = (System.nanoTime() - beforeWrite) / 1_000_000;
            assertTrue(heldMs >= windowMs, "back on the replica " + heldMs + " ms after the write, inside its window");
            DSLContext read = session.readDsl(key);
            assertTrue(onReplica(read), "after the window, the caught-up replica again");
            assertEquals("brief", read.select(V).from(KV).fetchOne(V));
        }
    }

    @Test
    void eachShardReadsItsOwnDatabasesReplica() {
        long other = 2;
        while (cluster.shardFor(other).equals(cluster.shardFor(key))) other++;
        cluster.dsl(other).deleteFrom(KV).execute();
        cluster.dsl(other).insertInto(KV, K, V).values(other, "other").execute();
        pg.awaitReplayCaughtUp(Duration.ofSeconds(10));
        assertEquals("other", cluster.readDsl(other).select(V).from(KV).where(K.eq(other)).fetchOne(V));
        assertEquals(null, cluster.readDsl(key).select(V).from(KV).where(K.eq(other)).fetchOne(V));
        assertNotEquals(cluster.shardFor(key), cluster.shardFor(other));
    }

    /** Until the replica has received (not replayed) everything the primary wrote, so its lag is measurable. */
    private static void awaitReceived() throws Exception {
        String target;
        try (Connection c = pg.primaries().getFirst().open(); ResultSet rs = c.createStatement()
                .executeQuery("select pg_current_wal_lsn()::text")) {
            rs.next();
            target = rs.getString(1);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        try (Connection c = pg.replicas().getFirst().open()) {
            while (System.nanoTime() < deadline) {
                try (ResultSet rs = c.createStatement().executeQuery(
                        "select pg_last_wal_receive_lsn() >= '" + target + "'::pg_lsn")) {
                    rs.next();
                    if (rs.getBoolean(1)) return;
                }
                Thread.sleep(10);
            }
        }
        throw new AssertionError("the replica did not receive WAL up to " + target);
    }
}
