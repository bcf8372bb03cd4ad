package io.shardkit.query;

import java.lang.reflect.InvocationTargetException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Stops, on the server, what a connection is running. PostgreSQL gets a cancel request for the connection's backend,
 * because PgJDBC's {@link Statement#cancel()} does nothing once the statement has returned its first batch: a cursor's
 * later fetches (each of which may be slow) would run on. Other drivers get {@link Statement#cancel()}.
 * The caller must still hold the connection: a cancel request for a connection back in the pool could hit its next user.
 */
final class ServerCancel {
    private static final String PG_CONNECTION = "org.postgresql.PGConnection";

    private ServerCancel() {
    }

    static void cancel(Connection connection, Statement statement) throws SQLException {
        Connection raw = connection.unwrap(Connection.class);
        Class<?> pg = postgresConnection(raw);
        if (pg != null) {
            try {
                pg.getMethod("cancelQuery").invoke(raw);
            } catch (InvocationTargetException e) {
                if (e.getCause() instanceof SQLException sql) throw sql;
                throw new SQLException("PostgreSQL cancel request failed: " + e.getCause(), e.getCause());
            } catch (ReflectiveOperationException e) {
                throw new SQLException("PostgreSQL cancel request unavailable: " + e, e);
            }
        } else if (statement != null) {
            statement.cancel();
        }
    }

    private static Class<?> postgresConnection(Connection raw) {
        try {
            Class<?> pg = Class.forName(PG_CONNECTION, false, raw.getClass().getClassLoader());
            return pg.isInstance(raw) ? pg : null;
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }
}
