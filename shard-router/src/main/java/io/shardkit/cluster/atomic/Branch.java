package io.shardkit.cluster.atomic;

import io.shardkit.cluster.Shard;
import io.shardkit.router.ShardException;
import io.shardkit.router.ShardId;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.jooq.impl.DefaultConnectionProvider;

/**
 * One database's part of an atomic transaction: one connection of its pool, in one local transaction, shared by every
 * logical shard of that database the work touches (each through its own schema mapping).
 */
final class Branch implements AutoCloseable {
    final String database;
    final Shard firstShard;
    private final Connection connection;
    private final Map<ShardId, DSLContext> contexts = new HashMap<>();

    private Branch(Shard firstShard, Connection connection) {
        this.database = firstShard.database();
        this.firstShard = firstShard;
        this.connection = connection;
    }

    static Branch open(Shard shard, String transaction) {
        try {
            Connection c = shard.dataSource().getConnection();
            try {
                c.setAutoCommit(false);
                return new Branch(shard, c);
            } catch (SQLException | RuntimeException e) {
                c.close();
                throw e;
            }
        } catch (SQLException e) {
            throw new ShardException(ShardException.Code.DATABASE, "[shard " + shard.id() + "] atomic transaction "
                    + transaction + " got no connection of database " + shard.database() + ": " + e.getMessage(), e);
        }
    }

    /** The shard's context bound to this branch's connection: its schema mapping, listeners and dialect. */
    DSLContext dsl(Shard shard) {
        return contexts.computeIfAbsent(shard.id(),
                id -> DSL.using(shard.dsl().configuration().derive(new DefaultConnectionProvider(connection))));
    }

    DSLContext dsl() {
        return dsl(firstShard);
    }

    /** PREPARE TRANSACTION: the branch survives this connection and restarts, until COMMIT/ROLLBACK PREPARED. */
    void prepare(String gid) {
        dsl().execute("prepare transaction " + literal(gid));
    }

    /** COMMIT or ROLLBACK PREPARED on this branch's connection, outside any transaction block. */
    void finishPrepared(String gid, boolean commit) throws SQLException {
        connection.setAutoCommit(true);
        dsl().execute((commit ? "commit prepared " : "rollback prepared ") + literal(gid));
    }

    void commit() throws SQLException {
        connection.commit();
    }

    /** Rolls back what is open; never throws (a lost connection's transaction is gone with it). */
    void rollbackQuietly() {
        try {
            if (!connection.isClosed() && !connection.getAutoCommit()) connection.rollback();
        } catch (SQLException | RuntimeException ignored) {
            // the server rolls back a transaction whose connection is gone
        }
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException | RuntimeException ignored) {
            // the pool evicts a broken connection
        }
    }

    static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }
}
