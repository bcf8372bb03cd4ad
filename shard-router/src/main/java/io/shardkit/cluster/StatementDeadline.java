package io.shardkit.cluster;

import com.zaxxer.hikari.HikariConfig;
import org.jooq.SQLDialect;

/**
 * A pool's {@code statementTimeoutMs}, applied twice. The server stops a statement at the limit, so a slow one fails
 * cleanly and its connection stays usable. A server that does not answer at all (stopped, hung, its host gone) cannot
 * stop anything, and a cancel request would hang as well; there the driver's read timeout, one second later, fails
 * the call and closes the connection, which HikariCP then evicts. Without it a hung server holds each caller until
 * the operating system gives up on the socket, which may be never.
 */
final class StatementDeadline {
    /** How much later than the server's own limit the driver gives up waiting for it. */
    static final long DRIVER_GRACE_MS = 1_000;
    /**
     * How long a PostgreSQL cancel request may wait for the server (PgJDBC's default is 10 s). A fan-out's deadline
     * cancels late statements while it holds the shard's task, so a hung server must not keep it that long.
     */
    static final String CANCEL_SIGNAL_TIMEOUT_SECONDS = "1";

    private StatementDeadline() {
    }

    static void apply(HikariConfig hc, SQLDialect dialect, Long timeoutMs) {
        if (dialect == SQLDialect.POSTGRES) hc.addDataSourceProperty("cancelSignalTimeout", CANCEL_SIGNAL_TIMEOUT_SECONDS);
        if (timeoutMs == null) return;
        long driverMs = timeoutMs + DRIVER_GRACE_MS;
        switch (dialect) {
            case POSTGRES -> {
                hc.setConnectionInitSql("SET statement_timeout = " + timeoutMs);
                hc.addDataSourceProperty("socketTimeout", String.valueOf(ceilSeconds(driverMs))); // whole seconds
            }
            case MARIADB, MYSQL -> {
                hc.setConnectionInitSql(dialect == SQLDialect.MARIADB
                        ? "SET SESSION max_statement_time = " + (timeoutMs / 1000.0)
                        : "SET SESSION max_execution_time = " + timeoutMs); // MySQL: SELECT only; the socket covers the rest
                hc.addDataSourceProperty("socketTimeout", String.valueOf(driverMs)); // milliseconds
            }
            case H2 -> hc.setConnectionInitSql("SET QUERY_TIMEOUT " + timeoutMs); // in-process: nothing to hang on
            default -> throw new IllegalStateException("statementTimeoutMs is not supported for " + dialect);
        }
    }

    private static long ceilSeconds(long millis) {
        return (millis + 999) / 1000;
    }
}
