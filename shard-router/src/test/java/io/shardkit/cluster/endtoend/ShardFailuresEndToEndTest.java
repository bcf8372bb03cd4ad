package io.shardkit.cluster.endtoend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkit.cluster.ShardCluster;
import io.shardkit.cluster.config.ClusterConfig.DatabaseConfig;
import io.shardkit.cluster.config.ClusterConfig.PoolConfig;
import io.shardkit.router.ShardException;
import io.shardkit.router.ShardId;
import io.shardkit.test.EmbeddedShards;
import io.shardkit.test.Engine;
import io.shardkit.test.ReplicatedPostgres;
import io.shardkit.test.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A failure of the database itself — a statement stopped at {@code statementTimeoutMs}, a connection the server
 * dropped, no connection from the pool — comes out as Shardkit's own {@link ShardException} naming the shard, the
 * database and the cause; the statement's own failures stay jOOQ's.
 */
class ShardFailuresEndToEndTest {
    static final ShardId S0 = ShardId.of("s0");
    static EmbeddedShards dbs;

    @BeforeAll
    static void start() {
        dbs = EmbeddedShards.start(Engine.POSTGRES, 1);
    }

    @AfterAll
    static void stop() {
        dbs.close();
    }

    static ShardCluster cluster(TestDatabase db, PoolConfig pool) {
        return ShardCluster.builder()
                .database("db0", new DatabaseConfig(db.jdbcUrl(), db.username(), db.password(), null, pool))
                .shard("s0", "db0").jump().build();
    }

    /** Ends every other backend of the database, as an administrator (or a failover) would. */
    static void terminateBackends(TestDatabase db) throws SQLException {
        try (Connection c = db.open(); Statement s = c.createStatement()) {
            s.execute("select pg_terminate_backend(pid) from pg_stat_activity"
                    + " where datname = current_database() and pid <> pg_backend_pid()");
        }
    }

    @Test
    void aStatementPastStatementTimeoutIsStoppedByTheServerAndTheConnectionStaysUsable() {
        try (ShardCluster cluster = cluster(dbs.database(0), new PoolConfig(1, 1, 5_000L, null, null, 300L))) {
            ShardException e = assertThrows(ShardException.class, () -> cluster.dsl(S0).fetch("select pg_sleep(3)"));
            assertEquals(ShardException.Code.TIMEOUT, e.code());
            assertTrue(e.getMessage().startsWith("[shard s0] database db0 stopped the statement at its timeout: ERROR: "
                    + "canceling statement due to statement timeout (SQLState 57014) — make the statement cheaper or raise"
                    + " statementTimeoutMs"), e.getMessage());
            assertEquals(1, cluster.dsl(S0).fetchValue("select 1"));
            assertEquals(1, cluster.poolStats("db0").total(), "the same connection served the next call");
        }
    }

    @Test
    void aConnectionTheServerDropsFailsTheCallWithTheShardAndTheCause() {
        try (ShardCluster cluster = cluster(dbs.database(0), new PoolConfig(2, 1, 5_000L, null, null))) {
            ShardException e = assertThrows(ShardException.class, () -> cluster.inTransaction(0L, tx -> {
                tx.dsl().fetch("select 1");
                terminateBackends(dbs.database(0));
                return tx.dsl().fetch("select 2");
            }));
            assertEquals(ShardException.Code.DATABASE, e.code());
            assertTrue(e.getMessage().startsWith("[shard s0] database db0 lost the connection: "), e.getMessage());
            assertTrue(e.getMessage().endsWith(" — the server may be down or restarting; retry once it is back"), e.getMessage());
            // the pool's other connection was terminated too, unseen while idle: a call may meet it once (and evict it)
            Object answer;
            try {
                answer = cluster.dsl(S0).fetchValue("select 1");
            } catch (ShardException stale) {
                answer = cluster.dsl(S0).fetchValue("select 1");
            }
            assertEquals(1, answer, "the pool replaced the dropped connections");
        }
    }

    @Test
    void aConnectionLostAfterTheWorkReturnedSaysTheCommitsOutcomeIsUnknown() {
        try (ShardCluster cluster = cluster(dbs.database(0), new PoolConfig(2, 1, 5_000L, null, null))) {
            ShardException e = assertThrows(ShardException.class, () -> cluster.inTransaction(0L, tx -> {
                tx.dsl().fetch("select 1");
                terminateBackends(dbs.database(0));
                return null; // the commit then meets the dropped connection
            }));
            assertEquals(ShardException.Code.DATABASE, e.code());
            assertTrue(e.getMessage().startsWith("[shard s0] database db0 lost the connection: "), e.getMessage());
            assertTrue(e.getMessage().contains("; the commit's outcome is unknown: it may have been applied — check before"
                    + " retrying"), e.getMessage());
        }
    }

    @Test
    void noConnectionFromTheShardsPoolNamesTheShardAndThePoolsNumbers() {
        try (ShardCluster cluster = cluster(dbs.database(0), new PoolConfig(1, 1, 250L, null, null))) {
            ShardException e = assertThrows(ShardException.class, () -> cluster.inTransaction(0L, tx ->
                    cluster.dsl(S0).fetch("select 1"))); // a second connection while the transaction holds the only one
            assertEquals(ShardException.Code.DATABASE, e.code());
            assertTrue(e.getMessage().startsWith("[shard s0] database db0: no connection — shardkit-db0 - Connection is not "
                    + "available, request timed out after "), e.getMessage());
            assertTrue(e.getMessage().contains("(total=1, active=1, idle=0, waiting=0)"), e.getMessage());
            assertTrue(e.getMessage().endsWith(" — the server may be down or hung, or the pool too small for the load"
                    + " (maximumPoolSize)"), e.getMessage());
        }
    }

    @Test
    void aPoolChecksAnIdleConnectionForNoLongerThanItsConnectionTimeout() {
        try (ShardCluster cluster = cluster(dbs.database(0), new PoolConfig(1, 1, 800L, null, null))) {
            assertEquals(800, ((com.zaxxer.hikari.HikariDataSource) cluster.shard(S0).dataSource()).getValidationTimeout());
        }
    }

    @Test
    void aHungServerFailsTheCallWithTheShardWithinTheTimeoutsInsteadOfHoldingIt() throws Exception {
        try (ReplicatedPostgres pg = ReplicatedPostgres.start(1);
             ShardCluster cluster = cluster(pg.primaries().getFirst(), new PoolConfig(2, 2, 500L, null, null, 1_000L))) {
            cluster.dsl(S0).fetch("select 1");
            Thread.sleep(600); // idle past HikariCP's 500 ms: the next borrow validates the connection first
            pg.primary().freeze();
            try {
                long start = System.nanoTime();
                ShardException e = assertThrows(ShardException.class, () -> cluster.dsl(S0).fetch("select 1"));
                long millis = (System.nanoTime() - start) / 1_000_000;
                assertTrue(e.getMessage().startsWith("[shard s0] database db0"), e.getMessage());
                // connection timeout + validation (each 0.5 s) + statement timeout and the driver's grace (2 s), with
                // room for a loaded machine; without a statement timeout the call would not return at all
                assertTrue(millis < 6_000, "the call took " + millis + " ms: " + e.getMessage());
            } finally {
                pg.primary().thaw();
            }
            assertEquals(1, cluster.dsl(S0).fetchValue("select 1"), "serves again once the server continues");
        }
    }

    @Test
    void aPoolServesWithinASecondOfItsServersReturnAfterALongOutage() throws Exception {
        try (ReplicatedPostgres pg = ReplicatedPostgres.start(1);
             ShardCluster cluster = cluster(pg.primaries().getFirst(), new PoolConfig(2, 1, 500L, null, null))) {
            cluster.dsl(S0).fetch("select 1");
            pg.primary().kill();
            // Callers keep asking while the server is down, as a service's would; HikariCP alone would meanwhile have
            // grown the wait between its connection attempts to 5 s.
            long downUntil = System.nanoTime() + 12_000_000_000L;
            while (System.nanoTime() < downUntil) {
                assertThrows(ShardException.class, () -> cluster.dsl(S0).fetch("select 1"));
            }
            pg.primary().start();
            long back = System.nanoTime();
            while (true) {
                try {
                    cluster.dsl(S0).fetch("select 1");
                    break;
                } catch (ShardException stillDown) {
                    assertTrue(System.nanoTime() - back < 30_000_000_000L, "never served again: " + stillDown.getMessage());
                }
            }
            long millis = (System.nanoTime() - back) / 1_000_000;
            assertTrue(millis < 1_500, "served again " + millis + " ms after the server was back");
        }
    }

    @Test
    void aStatementsOwnFailureStaysJooqs() {
        try (ShardCluster cluster = cluster(dbs.database(0), new PoolConfig(1, 1, 5_000L, null, null, 1_000L))) {
            assertThrows(org.jooq.exception.DataAccessException.class, () -> cluster.dsl(S0).fetch("select * from nowhere"));
        }
    }

    @Test
    void anH2PoolTakesAStatementTimeout() {
        try (EmbeddedShards h2 = EmbeddedShards.start(Engine.H2, 1);
             ShardCluster cluster = cluster(h2.database(0), new PoolConfig(1, 1, 5_000L, null, null, 1_000L))) {
            assertEquals(1, cluster.dsl(S0).fetchValue("select 1"));
            assertEquals("1000", cluster.dsl(S0).fetchValue(
                    "select setting_value from information_schema.settings where setting_name = 'QUERY_TIMEOUT'"));
        }
    }
}
