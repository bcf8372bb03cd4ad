package io.shardkit.cluster;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.util.DriverDataSource;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Where a pool's connections come from: the driver, as HikariCP would call it, except that once the database has been
 * reached, a connection refused (the server is down or restarting) or a server still starting up is tried again every
 * {@link #RETRY_EVERY} for up to {@link #PATIENCE}. HikariCP waits after each failed attempt, doubling the wait up to
 * 5 s, so after a ten-second outage a pool could leave the server unused for five seconds after it came back; here
 * HikariCP's attempt simply lasts until the server answers, and its backoff stays short. Callers still wait no longer
 * than the pool's connection timeout. Before the first connection nothing is retried: a wrong URL fails at start-up.
 */
final class ReconnectingDataSource implements DataSource {
    static final Duration RETRY_EVERY = Duration.ofMillis(100);
    static final Duration PATIENCE = Duration.ofSeconds(30);

    private final DriverDataSource driver;
    private volatile boolean reached;
    private volatile HikariDataSource pool;

    private ReconnectingDataSource(DriverDataSource driver) {
        this.driver = driver;
    }

    /** Takes the connection settings out of {@code hc} and puts this source in their place. */
    static ReconnectingDataSource into(HikariConfig hc) {
        Properties properties = new Properties();
        properties.putAll(hc.getDataSourceProperties());
        ReconnectingDataSource source = new ReconnectingDataSource(new DriverDataSource(hc.getJdbcUrl(),
                hc.getDriverClassName(), properties, hc.getUsername(), hc.getPassword()));
        hc.setJdbcUrl(null);
        hc.setUsername(null);
        hc.setPassword(null);
        hc.setDataSourceProperties(new Properties());
        hc.setDataSource(source);
        return source;
    }

    /** The pool this source feeds: once it is closed, nothing is retried. */
    void feeds(HikariDataSource pool) {
        this.pool = pool;
    }

    @Override
    public Connection getConnection() throws SQLException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (true) {
            try {
                Connection c = driver.getConnection();
                reached = true;
                return c;
            } catch (SQLException e) {
                HikariDataSource p = pool;
                if (!reached || !serverAway(e) || (p != null && p.isClosed()) || System.nanoTime() - deadline > 0) throw e;
                LockSupport.parkNanos(RETRY_EVERY.toNanos());
                if (Thread.currentThread().isInterrupted()) throw e; // HikariCP shutting its adder down
            }
        }
    }

    /** Refused (nothing listens on the port) or, PostgreSQL, starting up or shutting down (SQLState 57P03). */
    private static boolean serverAway(SQLException e) {
        if ("57P03".equals(e.getSQLState())) return true;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) return true;
        }
        return false;
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("the pool's credentials are fixed");
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return driver.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        driver.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        driver.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return driver.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return driver.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        if (type.isInstance(this)) return type.cast(this);
        throw new SQLException("not a wrapper of " + type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return type.isInstance(this);
    }
}
