package io.shardkit.query;

import io.shardkit.cluster.PoolStats;
import io.shardkit.cluster.Shard;
import io.shardkit.query.ShardTask.Stop;
import io.shardkit.router.ShardException;
import io.shardkit.router.ShardId;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.jooq.DSLContext;
import org.jooq.ExecuteContext;
import org.jooq.ExecuteListener;
import org.jooq.conf.Settings;
import org.jooq.impl.DefaultConnectionProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How far one shard task has got, and what a stop request may touch of it. Who may touch the producer thread is
 * decided under {@link #lock}: it is interrupted only while it waits for a connection ({@link Phase#ACQUIRING}), and
 * its statement is cancelled on the server only while it holds the connection ({@link Phase#RUNNING}), so neither
 * can reach a thread or connection that has moved on. The first stop request wins; it, and what the task had reached,
 * are kept for the outcome.
 */
final class StopControl {
    private static final Logger LOG = LoggerFactory.getLogger(ShardTask.class); // one logger for a shard task's parts

    enum Phase { NEW, ACQUIRING, RUNNING, RELEASING, ENDED }

    /** What the producer waits for while it is {@link Phase#ACQUIRING}. */
    enum Wait { PERMIT, POOL }

    /** What the task reached when it stopped accepting stop requests. */
    record Released(Phase phase, Stop stop, String stopCause, Wait waitingFor, Optional<PoolStats> poolAtDeadline,
                    int heldByFanOut) {
    }

    private final ShardId shard;
    private final DatabaseShare share;
    private final RowBuffer buffer;
    private final ReentrantLock lock = new ReentrantLock();

    // guarded by lock
    private Phase phase = Phase.NEW;
    private Thread thread;
    private Wait waitingFor;
    private boolean interruptedByUs;
    private Connection connection;
    private Statement statement;
    private Stop stop;
    private String stopCause;
    private Optional<PoolStats> poolAtDeadline = Optional.empty();
    private int heldByFanOutAtDeadline;

    private boolean aborted; // guarded by lock

    /** The producer is blocked handing a row to the buffer, not in the driver: nothing to cancel on the server. */
    private volatile boolean inPut;

    StopControl(ShardId shard, DatabaseShare share, RowBuffer buffer) {
        this.shard = shard;
        this.share = share;
        this.buffer = buffer;
    }

    /** Not yet holding a connection: a stop now keeps it from taking one that a stopped shard gives back. */
    boolean waiting() {
        lock.lock();
        try {
            return phase == Phase.NEW || phase == Phase.ACQUIRING;
        } finally {
            lock.unlock();
        }
    }

    /** The producer thread takes up the task; false when a stop ended the task before it started. */
    boolean start() {
        return leaveNew(Phase.ACQUIRING, Thread.currentThread());
    }

    /** Ends a task that never started; false when it has started, or ended already. */
    boolean endUnstarted() {
        return leaveNew(Phase.ENDED, null);
    }

    private boolean leaveNew(Phase next, Thread producer) {
        lock.lock();
        try {
            if (phase != Phase.NEW) return false;
            phase = next;
            thread = producer;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The first request wins, and a task already giving its connection back is left to finish. A task waiting for a
     * connection is interrupted; a running one has its statement cancelled on the server. True when the task had not
     * started: it is ended now, and the caller gives it its outcome.
     */
    boolean requestStop(Stop kind, String cause) {
        lock.lock();
        try {
            if (stop != null || phase == Phase.RELEASING || phase == Phase.ENDED) return false;
            stop = kind;
            stopCause = cause;
            switch (phase) {
                case NEW -> {
                    phase = Phase.ENDED;
                    return true;
                }
                case ACQUIRING -> {
                    if (kind == Stop.DEADLINE) {
                        poolAtDeadline = share.stats(); // before the interrupt, so our own wait is counted
                        heldByFanOutAtDeadline = share.inUse();
                    }
                    interruptedByUs = true;
                    thread.interrupt();
                }
                case RUNNING -> {
                    buffer.stop();
                    // Dekker with StreamedQuery.pump(): it clears inPut, then checks stopped; we set stopped, then check inPut.
                    if (!inPut) cancelOnServer();
                }
                default -> throw new IllegalStateException("phase " + phase);
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    // ---- the producer's side ----------------------------------------------------------------------------------

    void waitFor(Wait what) throws InterruptedException {
        lock.lock();
        try {
            waitingFor = what;
            if (stop != null) throw new InterruptedException("stopped: " + stop);
        } finally {
            lock.unlock();
        }
    }

    /** The connection arrived; false when the task was stopped meanwhile (the caller gives the connection back). */
    boolean enterRunning(Connection conn) {
        lock.lock();
        try {
            if (stop != null) return false;
            phase = Phase.RUNNING;
            connection = conn;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * A context on {@code conn} with the shard's dialect and {@code settings}, whose statements a stop cancels on the
     * server: each is registered as it starts, and one started after the stop fails before it reaches the database.
     * With {@code betweenStatements} a statement is forgotten when it ends, for a caller that goes on without one.
     */
    DSLContext context(Shard on, Connection conn, Settings settings, boolean betweenStatements) {
        return on.dsl().configuration().derive(new DefaultConnectionProvider(conn)).derive(settings)
                .deriveAppending(new ExecuteListener() {
                    @Override
                    public void executeStart(ExecuteContext ctx) {
                        register(ctx.statement());
                    }

                    @Override
                    public void end(ExecuteContext ctx) {
                        // the caller's work goes on between statements: a stop then has no statement to cancel
                        if (betweenStatements) unregister(ctx.statement());
                    }
                }).dsl();
    }

    private void unregister(Statement s) {
        lock.lock();
        try {
            if (statement == s) statement = null;
        } finally {
            lock.unlock();
        }
    }

    private void register(Statement s) {
        lock.lock();
        try {
            if (stop != null) throw new ShardException(ShardException.Code.DATABASE, "[shard " + shard + "] stopped before its statement ran");
            statement = s;
        } finally {
            lock.unlock();
        }
    }

    boolean stopRequested() {
        lock.lock();
        try {
            return stop != null;
        } finally {
            lock.unlock();
        }
    }

    /** Set while the producer hands a row to the buffer: a stop then wakes it there instead of cancelling. */
    void handingOver(boolean handing) {
        inPut = handing;
    }

    boolean handingOver() {
        return inPut;
    }

    private void cancelOnServer() {
        if (connection == null) return;
        try {
            if (statement != null && statement.isClosed()) return; // it ended as the stop came: nothing runs to cancel
            ServerCancel.cancel(connection, statement);
        } catch (SQLException | RuntimeException e) {
            LOG.warn("[shard {}] could not cancel its statement on the server: {}", shard, e.toString());
        }
    }

    /**
     * For a stopped task whose statement did not end at the cancel — a hung server answers no cancel request, and the
     * producer stays blocked reading from it: closes the connection under the driver, so that read fails and the task
     * ends; the pool evicts the broken connection. Only while the task holds the connection, so it never reaches one
     * back in the pool.
     */
    void abortConnection() {
        lock.lock();
        try {
            if (stop == null || phase != Phase.RUNNING || connection == null || aborted) return;
            aborted = true;
            LOG.warn("[shard {}] its statement did not end after it was stopped ({}); closing its connection", shard, stop);
            connection.abort(Runnable::run); // PgJDBC and MariaDB close the socket at once
        } catch (SQLException | RuntimeException e) {
            LOG.warn("[shard {}] could not abort its connection: {}", shard, e.toString());
        } finally {
            lock.unlock();
        }
    }

    /** From here on no stop request touches the task: its connection, statement and thread are its own again. */
    Released release() {
        lock.lock();
        try {
            Released r = new Released(phase, stop, stopCause, waitingFor, poolAtDeadline, heldByFanOutAtDeadline);
            phase = Phase.RELEASING;
            connection = null;
            statement = null;
            thread = null;
            if (interruptedByUs) Thread.interrupted(); // ours, not the executor's: leave its thread clean
            return r;
        } finally {
            lock.unlock();
        }
    }

    void ended() {
        lock.lock();
        try {
            phase = Phase.ENDED;
        } finally {
            lock.unlock();
        }
    }
}
