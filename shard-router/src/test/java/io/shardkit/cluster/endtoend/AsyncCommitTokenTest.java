package io.shardkit.cluster.endtoend;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkit.cluster.ConsistencyToken;
import io.shardkit.cluster.ShardCluster;
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
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.SQLDataType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Read-your-writes after a commit with {@code synchronous_commit = off}, on real streaming replication. Such a
 * COMMIT returns before its WAL is written; the WAL writer writes it up to {@code wal_writer_delay} later. The
 * token must cover the commit anyway, or a replica that has replayed up to the token can still miss the row.
 *
 * <p>Deterministic as far as the server allows: autovacuum is off and {@code wal_writer_delay} is 10 s, and the
 * write runs right after the WAL writer has written (so its next wake-up is about 10 s away, and a WAL writer
 * that is not hibernating is not woken by an asynchronous commit that fills no page). Nothing else in the test
 * writes WAL meanwhile, so the commit's record stays unwritten while the token is taken.
 */
class AsyncCommitTokenTest {
    static final Table<Record> KV = table(name("kv"));
    static final Field<Long> K = field(name("k"), SQLDataType.BIGINT.notNull());
    static final Field<String> V = field(name("v"), SQLDataType.VARCHAR(40).notNull());
    static final Duration GENEROUS = Duration.ofSeconds(60);

    static ReplicatedPostgres pg;

    @BeforeAll
    static void startReplication() throws SQLException {
        pg = ReplicatedPostgres.start(1);
        try (Connection c = pg.primaries().getFirst().open(); Statement s = c.createStatement()) {
            s.execute("create table kv (k bigint primary key, v varchar(40) not null)");
            s.execute("create table warmup (n int)");
            s.execute("insert into kv values (1, 'old')");
            s.execute("alter system set wal_writer_delay = '10s'");
            s.execute("alter system set autovacuum = off");
            s.execute("select pg_reload_conf()");
        }
        pg.awaitReplayCaughtUp(Duration.ofSeconds(10));
    }

    @AfterAll
    static void stopReplication() {
        if (pg != null) pg.close();
    }

    static ClusterConfig config() {
        TestDatabase p = pg.primaries().getFirst();
        TestDatabase r = pg.replicas().getFirst();
        return new ClusterConfig(Map.of("db0", new DatabaseConfig(p.jdbcUrl(), p.username(), p.password(), null, null,
                List.of(new ReplicaConfig(r.jdbcUrl(), r.username(), r.password(), null)))),
                List.of(new ShardConfig("s0", "db0", null, null)), new StrategyConfig("jump", null, null, null), "long",
                Map.of(), new ReadsConfig(60_000L, 0L, 200L, 0L));
    }

    @Test
    void aTokenCoversAnAsynchronousCommitWhoseWalIsNotWrittenYet() throws Exception {
        long key = 1;
        try (ShardCluster cluster = ShardCluster.create(config());
             Connection primary = pg.primaries().getFirst().open(); Statement admin = primary.createStatement()) {
            pg.pauseReplay();

            // An asynchronous commit of our own wakes a hibernating WAL writer; once it has written that commit,
            // it sleeps wal_writer_delay (10 s) before it writes again.
            admin.execute("begin; set local synchronous_commit = off; insert into warmup values (1); commit");
            String warm = text(admin, "select pg_current_wal_insert_lsn()::text");
            awaitTrue(admin, "select pg_current_wal_lsn() >= '" + warm + "'::pg_lsn", "the WAL writer wrote " + warm);

            ShardSession session = cluster.session();
            session.inTransaction(key, tx -> {
                tx.execute("set local synchronous_commit = off");
                return tx.update(KV).set(V, "new").where(K.eq(key)).execute();
            });
            String afterCommit = text(admin, "select pg_current_wal_insert_lsn()::text");
            String writtenAfterCommit = text(admin, "select pg_current_wal_lsn()::text");
            ConsistencyToken token = session.token();
            String tokenLsn = token.toString().substring(token.toString().indexOf('@') + 1);

            String positions = "token " + token + "; right after COMMIT the WAL was inserted up to " + afterCommit
                    + " and written up to " + writtenAfterCommit;

            // While replay is paused the replica is behind the token: the read goes to the primary.
            assertEquals("new", cluster.readDsl(key, token, Duration.ZERO).select(V).from(KV).where(K.eq(key)).fetchOne(V));

            // Once the replica has replayed up to the token, it has the row.
            pg.resumeReplay();
            try (Connection replica = pg.replicas().getFirst().open(); Statement rs = replica.createStatement()) {
                awaitTrue(rs, "select pg_last_wal_replay_lsn() >= '" + tokenLsn + "'::pg_lsn",
                        "the replica replayed up to the token " + token);
            }
            // The cluster learns the replay position from its background probe, so the read waits for its next round.
            DSLContext read = cluster.readDsl(key, token, GENEROUS);
            assertEquals(Boolean.TRUE, read.fetchValue("select pg_is_in_recovery()"), "the caught-up replica is used");
            assertEquals("new", read.select(V).from(KV).where(K.eq(key)).fetchOne(V), positions);

            // The token is at or past the commit's record, whether or not that record was written yet.
            assertEquals("t", text(admin, "select '" + tokenLsn + "'::pg_lsn >= '" + afterCommit + "'::pg_lsn"),
                    "the token is below the commit: " + positions);
        }
    }

    private static String text(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void awaitTrue(Statement s, String sql, String what) throws Exception {
        long deadline = System.nanoTime() + GENEROUS.toNanos();
        while (System.nanoTime() < deadline) {
            if ("t".equals(text(s, sql))) return;
            Thread.sleep(5);
        }
        throw new AssertionError("not within " + GENEROUS.toSeconds() + " s: " + what + " (" + sql + ")");
    }
}
