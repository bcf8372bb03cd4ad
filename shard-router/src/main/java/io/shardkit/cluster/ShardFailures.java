package io.shardkit.cluster;

import io.shardkit.router.ShardException;
import io.shardkit.router.ShardId;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.util.Set;
import org.jooq.ExecuteContext;
import org.jooq.ExecuteListener;

/**
 * Turns a driver's failure that says the database, not the statement, is the problem — a lost connection, a server
 * shutting down or starting, a statement stopped at its timeout, a server that did not answer — into a
 * {@link ShardException} naming the shard, the database and the cause, with the driver's exception kept as its cause.
 * Failures of the statement itself (a constraint, a syntax error) stay jOOQ's, for callers that handle them.
 */
final class ShardFailures {
    /** PostgreSQL: terminated by an administrator, crash shutdown, starting up or shutting down. */
    private static final Set<String> SERVER_GONE = Set.of("57P01", "57P02", "57P03");
    /** PostgreSQL and H2: query_canceled; MariaDB: max_statement_time exceeded. */
    private static final Set<String> STOPPED_AT_TIMEOUT = Set.of("57014", "70100");

    private ShardFailures() {
    }

    /** A listener for the contexts of {@code shard}'s pool {@code pool} (its database, or one of its replicas). */
    static ExecuteListener listener(ShardId shard, String pool) {
        return new ExecuteListener() {
            @Override
            public void exception(ExecuteContext ctx) {
                RuntimeException e = ctx.exception();
                if (e != null) ctx.exception(translate(shard, pool, e, false));
            }
        };
    }

    /**
     * {@code e} as a {@link ShardException} when the database is the problem, else {@code e} itself.
     *
     * @param atCommit the transaction's work had returned: the failure came at or after its commit, whose outcome is
     *                 then unknown when the connection was lost
     */
    static RuntimeException translate(ShardId shard, String pool, RuntimeException e, boolean atCommit) {
        if (e instanceof ShardException) return e;
        SQLException sql = null;
        boolean socketTimeout = false;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (sql == null && t instanceof SQLException s) sql = s;
            if (t instanceof SocketTimeoutException) socketTimeout = true;
        }
        if (sql == null) return e;
        String state = sql.getSQLState() == null ? "" : sql.getSQLState();
        String where = "[shard " + shard + "] database " + pool;
        String cause = firstLine(sql.getMessage()) + (state.isEmpty() ? "" : " (SQLState " + state + ")");
        String outcome = atCommit ? "; the commit's outcome is unknown: it may have been applied — check before retrying"
                : "";
        if (ShardMovedException.SQLSTATE.equals(state) || fenceMessage(sql)) {
            boolean moved = Boolean.TRUE.equals(FenceWait.NEW_VERSION.get());
            FenceWait.NEW_VERSION.remove();
            return new ShardMovedException(shard, where + " refused the write: the shard is moving (its fence is closed)"
                    + (moved ? "; the new topology version is running — retry the write"
                    : "; no new topology version came within the pause budget — retry later"), moved, e);
        }
        if (socketTimeout) {
            return new ShardException(ShardException.Code.TIMEOUT, where + " did not answer within its statement timeout "
                    + "and the driver's grace: " + cause + outcome + " — the server may be hung or overloaded; the "
                    + "connection was closed", e);
        }
        if (sql instanceof SQLTimeoutException || STOPPED_AT_TIMEOUT.contains(state)) {
            return new ShardException(ShardException.Code.TIMEOUT, where + " stopped the statement at its timeout: "
                    + cause + " — make the statement cheaper or raise statementTimeoutMs", e);
        }
        if (state.startsWith("08") || SERVER_GONE.contains(state)) {
            return new ShardException(ShardException.Code.DATABASE, where + " lost the connection: " + cause + outcome
                    + " — the server may be down or restarting; retry once it is back", e);
        }
        return e;
    }

    /** MariaDB keeps a SIGNAL's SQLSTATE only in the message of some driver versions. */
    private static boolean fenceMessage(SQLException sql) {
        return sql.getMessage() != null && sql.getMessage().contains("shardkit fence closed");
    }

    private static String firstLine(String message) {
        if (message == null) return "no message";
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
