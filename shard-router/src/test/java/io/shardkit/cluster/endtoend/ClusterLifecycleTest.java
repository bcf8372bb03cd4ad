package io.shardkit.cluster.endtoend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkit.cluster.ShardCluster;
import io.shardkit.cluster.config.ClusterConfig.DatabaseConfig;
import io.shardkit.cluster.config.ClusterConfig.PoolConfig;
import io.shardkit.router.ShardException;
import io.shardkit.test.EmbeddedShards;
import io.shardkit.test.Engine;
import io.shardkit.test.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Start-up that fails part-way leaves no pool open; a call that races close() fails with code CLOSED. */
class ClusterLifecycleTest {
    static EmbeddedShards dbs;

    @BeforeAll
    static void start() {
        dbs = EmbeddedShards.start(Engine.POSTGRES, 2);
    }

    @AfterAll
    static void stop() {
        dbs.close();
    }

    /** Pools that keep 2 connections open from the start, so an open pool shows in pg_stat_activity. */
    static DatabaseConfig config(TestDatabase db) {
        return new DatabaseConfig(db.jdbcUrl(), db.username(), db.password(), null, new PoolConfig(2, 2, 5_000L, null, null));
    }

    /** Client connections to {@code db} (other than the one asking), as the server sees them. */
    static int connections(TestDatabase db) throws SQLException {
        try (Connection c = db.open(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "select count(*) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    static void awaitConnections(TestDatabase db, int expected) throws Exception {
        // Closing a pool closes its connections; the server drops a backend a moment after its client left.
        for (int i = 0; i < 2_000 && connections(db) != expected; i++) Thread.sleep(5);
        assertEquals(expected, connections(db), db.name());
    }

    @Test
    void whenALaterDatabaseCannotBeReachedThePoolsOpenedBeforeItAreClosed() throws Exception {
        TestDatabase db0 = dbs.database(0);
        TestDatabase db1 = dbs.database(1);
        // The evidence that pools were opened at all: a cluster of the first two keeps 2 connections to each.
        try (ShardCluster ok = ShardCluster.builder().database("db0", config(db0)).database("db1", config(db1))
                .shard("s0", "db0").shard("s1", "db1").jump().build()) {
            awaitConnections(db0, 2);
            awaitConnections(db1, 2);
        }
        awaitConnections(db0, 0);

        String unreachable = "jdbc:postgresql://127.0.0.1:1/nowhere";
        ShardException e = assertThrows(ShardException.class, () -> ShardCluster.builder()
                .database("db0", config(db0)).database("db1", config(db1))
                .database("db2", new DatabaseConfig(unreachable, "nobody", "x", null, new PoolConfig(2, 2, 1_000L, null, null)))
                .shard("s0", "db0").shard("s1", "db1").shard("s2", "db2").jump().build());
        assertTrue(e.getMessage().startsWith("[database db2] cannot connect to " + unreachable + " as nobody: "), e.getMessage());
        awaitConnections(db0, 0);
        awaitConnections(db1, 0);
    }

    @Test
    void aCallThatRacesCloseFailsWithCodeClosed() {
        TestDatabase db0 = dbs.database(0);
        ShardCluster cluster = ShardCluster.builder().database("db0", config(db0)).shard("s0", "db0").jump().build();
        DSLContext dsl = cluster.dsl(1L);  // taken before close(), used after: what a request in flight does
        assertEquals(1, dsl.fetchValue("select 1"));
        cluster.close();

        ShardException query = assertThrows(ShardException.class, () -> dsl.fetchValue("select 1"));
        assertEquals(ShardException.Code.CLOSED, query.code(), query.getMessage());
        assertEquals("[shard s0] the ShardCluster was closed while this call was under way — build a new cluster,"
                + " or close it only after its last call", query.getMessage());
        ShardException tx = assertThrows(ShardException.class, () -> dsl.transactionResult(c -> c.dsl().fetchValue("select 1")));
        assertEquals(ShardException.Code.CLOSED, tx.code(), tx.getMessage());
        ShardException later = assertThrows(ShardException.class, () -> cluster.dsl(1L));
        assertEquals(ShardException.Code.CLOSED, later.code());
    }
}
