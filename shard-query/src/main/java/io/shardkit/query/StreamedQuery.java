package io.shardkit.query;

import io.shardkit.cluster.Shard;
import java.sql.Connection;
import java.sql.SQLException;
import org.jooq.Cursor;
import org.jooq.Record;
import org.jooq.ResultQuery;
import org.jooq.SQLDialect;
import org.jooq.conf.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One shard's query streamed through a jOOQ cursor into the task's {@link RowBuffer}: the producer reads at most a
 * buffer (and the row in its hand) ahead of the consumer, and a cursor left early is ended, not read to its end.
 */
final class StreamedQuery implements ShardJob {
    private static final Logger LOG = LoggerFactory.getLogger(ShardTask.class); // one logger for a shard task's parts

    private final Shard shard;
    private final ResultQuery<? extends Record> query;
    private final int fetchSize;
    private final RowBuffer buffer;
    private final StopControl control;
    private volatile long rowsRead;
    // the producer's own
    private Connection connection;
    private boolean transactionOpened;
    private Cursor<? extends Record> cursor;

    StreamedQuery(Shard shard, ResultQuery<? extends Record> query, int fetchSize, RowBuffer buffer, StopControl control) {
        this.shard = shard;
        this.query = query;
        this.fetchSize = fetchSize;
        this.buffer = buffer;
        this.control = control;
    }

    @Override
    public boolean run(Connection conn) throws SQLException {
        connection = conn;
        if (needsTransactionToStream(shard.dialect()) && conn.getAutoCommit()) {
            conn.setAutoCommit(false); // PgJDBC reads the whole result at once in auto-commit mode
            transactionOpened = true;
        }
        // Keep the shard's settings (render mapping of its schema); streamed records stay detached, since the
        // connection they would be attached to goes back to the pool when the cursor ends.
        Settings settings = ((Settings) shard.dsl().configuration().settings().clone())
                .withFetchSize(fetchSize).withAttachRecords(false);
        cursor = control.context(shard, conn, settings, false).fetchLazy(query);
        return pump();
    }

    private boolean pump() {
        while (cursor.hasNext()) {
            Record row = cursor.fetchNext();
            rowsRead++; // one writer: this thread
            control.handingOver(true);
            boolean taken = buffer.put(row);
            control.handingOver(false);
            if (!taken || buffer.stopped()) return false;
        }
        return true;
    }

    @Override
    public void finish(boolean complete, boolean failed) {
        if (cursor != null && !complete && !failed && readsRestOnClose(shard.dialect())) {
            cancelBeforeClose(); // the consumer stopped reading: end the query, not read it to its end
        }
        close();
        if (transactionOpened) endReadTransaction();
    }

    @Override
    public long rowsRead() {
        return rowsRead;
    }

    /**
     * Connector/J (MariaDB's, and MySQL's) reads every remaining row of a streaming result when it is closed, however
     * many: a cursor left early must have its query ended on the server first.
     */
    static boolean readsRestOnClose(SQLDialect dialect) {
        return dialect.family() == SQLDialect.MARIADB || dialect.family() == SQLDialect.MYSQL;
    }

    static boolean needsTransactionToStream(SQLDialect dialect) {
        return dialect.family() == SQLDialect.POSTGRES;
    }

    /**
     * Ends, on the server, the query of a cursor that was not read to its end (KILL QUERY, sent by the driver on a
     * connection of its own), so that closing the cursor reads only what is already on its way instead of the rest
     * of the result. The producer still holds the connection, so the kill cannot reach another user of it.
     */
    private void cancelBeforeClose() {
        try {
            ServerCancel.cancel(connection, cursor.resultSet().getStatement());
        } catch (SQLException | RuntimeException e) {
            LOG.warn("[shard {}] could not end its query on the server before closing its cursor: {}", shard.id(), e.toString());
        }
    }

    private void close() {
        if (cursor == null) return;
        try {
            cursor.close();
        } catch (RuntimeException e) {
            LOG.warn("[shard {}] could not close its cursor: {}", shard.id(), e.toString());
        }
    }

    private void endReadTransaction() {
        try {
            connection.rollback(); // a read: nothing to keep
            connection.setAutoCommit(true);
        } catch (SQLException e) {
            LOG.debug("[shard {}] could not end its read transaction (the pool resets the connection): {}", shard.id(), e.toString());
        }
    }
}
