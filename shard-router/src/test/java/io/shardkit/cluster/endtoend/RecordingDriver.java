package io.shardkit.cluster.endtoend;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * A JDBC driver for {@code jdbc:recording:<rest>} URLs that hands the work to the driver of {@code jdbc:<rest>} and
 * records who asked: every connection attempt (and whether a watched thread was then waiting in a HikariCP pool for
 * it), and the threads that ran SQL containing a marker. Lets a test see which thread touches a database, without
 * timing anything.
 */
final class RecordingDriver implements Driver {
    static final String PREFIX = "jdbc:recording:";
    private static final RecordingDriver INSTANCE = new RecordingDriver();
    private static volatile boolean registered;

    final AtomicInteger connectAttempts = new AtomicInteger();
    final AtomicInteger attemptsWhileWatchedWaits = new AtomicInteger();
    final List<String> markedSqlThreads = new CopyOnWriteArrayList<>();
    private volatile Thread watched;
    private volatile String marker = "\u0000";

    static synchronized RecordingDriver register() throws SQLException {
        if (!registered) {
            DriverManager.registerDriver(INSTANCE);
            registered = true;
        }
        return INSTANCE;
    }

    /** Starts over: counts connection attempts made while {@code thread} waits in a pool, and threads running {@code sqlMarker}. */
    void reset(Thread thread, String sqlMarker) {
        watched = thread;
        marker = sqlMarker;
        connectAttempts.set(0);
        attemptsWhileWatchedWaits.set(0);
        markedSqlThreads.clear();
    }

    static String wrap(String jdbcUrl) {
        return PREFIX + jdbcUrl.substring("jdbc:".length());
    }

    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        if (!acceptsURL(url)) return null;
        connectAttempts.incrementAndGet();
        Thread w = watched;
        if (w != null && waitsInPool(w)) attemptsWhileWatchedWaits.incrementAndGet();
        Connection real = DriverManager.getConnection("jdbc:" + url.substring(PREFIX.length()), info);
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                new Recording(real));
    }

    /** Whether {@code t} is blocked in HikariCP waiting for a connection to be made for it. */
    private static boolean waitsInPool(Thread t) {
        boolean inPool = false;
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getClassName().equals("com.zaxxer.hikari.pool.HikariPool") && e.getMethodName().equals("getConnection")) {
                inPool = true;
            }
        }
        return inPool && (t.getState() == Thread.State.TIMED_WAITING || t.getState() == Thread.State.WAITING);
    }

    /** Records the thread of every statement whose SQL has the marker; statements are recorded through their SQL. */
    private final class Recording implements InvocationHandler {
        private final Object target;

        Recording(Object target) {
            this.target = target;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            if (args != null) {
                for (Object a : args) {
                    if (a instanceof String sql && sql.contains(marker)) markedSqlThreads.add(Thread.currentThread().getName());
                }
            }
            Object result;
            try {
                result = method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            if (result instanceof Statement s && method.getReturnType().isInterface()) {
                return Proxy.newProxyInstance(Statement.class.getClassLoader(), new Class<?>[] {method.getReturnType()},
                        new Recording(s));
            }
            return result;
        }
    }

    @Override
    public boolean acceptsURL(String url) {
        return url != null && url.startsWith(PREFIX);
    }

    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
        return new DriverPropertyInfo[0];
    }

    @Override
    public int getMajorVersion() {
        return 1;
    }

    @Override
    public int getMinorVersion() {
        return 0;
    }

    @Override
    public boolean jdbcCompliant() {
        return false;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }
}
