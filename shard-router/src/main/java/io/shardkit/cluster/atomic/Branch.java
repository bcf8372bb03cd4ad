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
 * logical shard of that database the work touches (each through its own schema mapping). A participant other than
 * the deciding database runs as the prepared branch {@code gid} of its kind of database ({@link PreparedBranches}).
 */
final class Branch implements AutoCloseable {
    final String database;
    final Shard firstShard;
    private final Connection connection;
    private final Gid gid; // null: the deciding database, or the only one
    private final PreparedBranches kind;
    private final Map<ShardId, DSLContext> contexts = new HashMap<>();
    private boolean settled; // an XA branch finished or rolled back: its connection may go back to the pool

    private Branch(Shard firstShard, Connection connection, Gid gid) {
        this.database = firstShard.database();
        this.firstShard = firstShard;
        this.connection = connection;
        this.gid = gid;
        this.kind = PreparedBranches.of(firstShard);
    }

    /** @param gid the branch's global id for a participant that will prepare; null for the deciding database */
    static Branch open(Shard shard, String transaction, Gid gid) {
        try {
            Connection c = shard.dataSource().getConnection();
            try {
                Branch b = new Branch(shard, c, gid);
                if (gid == null) c.setAutoCommit(false);
                else b.kind.begin(c, b.dsl(), gid);
                return b;
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

    /** PREPARE TRANSACTION (XA END and XA PREPARE): the branch survives this connection and restarts, until finished. */
    void prepare() throws SQLException {
        kind.prepare(connection, dsl(), gid);
    }

    /** COMMIT or ROLLBACK PREPARED (XA COMMIT or XA ROLLBACK) on this branch's connection. */
    void finishPrepared(boolean commit) throws SQLException {
        kind.finish(connection, dsl(), gid, commit);
        settled = true;
    }

    void commit() throws SQLException {
        connection.commit();
    }

    /** Rolls back what is open; never throws (a lost connection's transaction is gone with it). */
    void rollbackQuietly() {
        try {
            if (gid != null) {
                kind.rollbackUnprepared(connection, dsl(), gid);
                settled = true;
            } else if (!connection.isClosed() && !connection.getAutoCommit()) {
                connection.rollback();
            }
        } catch (SQLException | RuntimeException ignored) {
            // the server rolls back a transaction whose connection is gone
        }
    }

    /**
     * Back to the pool; an XA branch left unsettled closes its connection instead (the pool's rollback does not end an
     * XA branch): the server then rolls back an active branch and keeps a prepared one for recovery.
     */
    @Override
    public void close() {
        try {
            if (gid != null && kind instanceof MariaDbBranches && !settled
                    && firstShard.dataSource() instanceof com.zaxxer.hikari.HikariDataSource pool) {
                pool.evictConnection(connection);
                return;
            }
            connection.close();
        } catch (SQLException | RuntimeException ignored) {
            // the pool evicts a broken connection
        }
    }
}
