package io.shardkit.move.fence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkit.cluster.ShardMovedException;
import io.shardkit.test.EmbeddedShards;
import io.shardkit.test.Engine;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jooq.DSLContext;
import org.jooq.conf.RenderQuotedNames;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The fence on each database: a write that waited for the closing transaction is refused once it commits. */
class FenceTest {
    private EmbeddedShards dbs;

    @AfterEach
    void stop() {
        if (dbs != null) dbs.close();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Engine.class, names = {"H2", "POSTGRES", "MARIADB"})
    void aWriteQueuedBehindTheClosingTransactionIsRefused(Engine engine) throws Exception {
        dbs = EmbeddedShards.start(engine, 1);
        try (Connection setup = dbs.database(0).open(); Statement s = setup.createStatement()) {
            s.execute("create table orders (id bigint primary key, customer_id bigint)");
        }
        DSLContext db = DSL.using(dbs.database(0).open(), new Settings().withRenderQuotedNames(RenderQuotedNames.EXPLICIT_DEFAULT_UNQUOTED));
        String table = engine == Engine.H2 ? "ORDERS" : "orders";
        Fence fence = new Fence(db, null, "shard:s1");
        fence.install(List.of(table), null, null);
        insert(1); // open: writes go on
        assertFalse(fence.isClosed());

        try (Connection closer = dbs.database(0).open()) {
            closer.setAutoCommit(false);
            try (Statement s = closer.createStatement()) {
                s.executeQuery("select state from shardkit_fence where name = 'shard:s1' for update").close();
                s.executeUpdate("update shardkit_fence set state = 'CLOSED' where name = 'shard:s1'");
            }
            CompletableFuture<SQLException> queued = CompletableFuture.supplyAsync(() -> {
                try {
                    insert(2);
                    return null;
                } catch (SQLException e) {
                    return e;
                }
            });
            Thread.sleep(300); // the insert waits for the closer's lock (the lock timeouts are longer)
            assertFalse(queued.isDone(), "the write waits for the closing transaction");
            closer.commit();
            SQLException refused = queued.get();
            assertTrue(refused != null, "the write that waited was refused");
            assertTrue(refusedByFence(refused), refused.toString());
        }
        assertTrue(fence.isClosed());
        fence.deleteBehind(List.of(table)); // the mover alone writes past it
        fence.open();
        insert(3);
        fence.remove(List.of(table));
        try (Connection c = dbs.database(0).open(); Statement s = c.createStatement();
             var rs = s.executeQuery("select count(*) from orders")) {
            rs.next();
            assertEquals(1, rs.getInt(1), "only the write after reopening is left");
        }
    }

    private void insert(long id) throws SQLException {
        try (Connection c = dbs.database(0).open(); Statement s = c.createStatement()) {
            s.executeUpdate("insert into orders values (" + id + ", 7)");
        }
    }

    private static boolean refusedByFence(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && (ShardMovedException.SQLSTATE.equals(s.getSQLState())
                    || String.valueOf(s.getMessage()).contains("shardkit fence closed"))) {
                return true;
            }
        }
        return false;
    }
}
