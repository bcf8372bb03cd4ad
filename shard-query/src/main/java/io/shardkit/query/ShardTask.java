package io.shardkit.query;

import io.shardkit.cluster.PoolStats;
import io.shardkit.cluster.Shard;
import io.shardkit.query.QueryOutcome.Status;
import io.shardkit.router.ShardException;
import io.shardkit.router.ShardId;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jooq.Configuration;
import org.jooq.Cursor;
import org.jooq.DSLContext;
import org.jooq.ExecuteContext;
import org.jooq.ExecuteListener;
import org.jooq.Record;
import org.jooq.ResultQuery;
import org.jooq.SQLDialect;
import org.jooq.conf.Settings;
import org.jooq.impl.DefaultConnectionProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One shard's part of a fan-out: takes a connection (within the fan-out's share of the database, and never past the
 * deadline), streams the shard's query through a jOOQ cursor into a {@link RowBuffer}, and gives the cursor,
 * connection and share back whatever happens. Stopped by the deadline, by another shard's failure, or by the
 * consumer closing the fan-out. For {@link FanOut#forEachShard} the task runs the caller's work instead, with a
 * context bound to that one connection, and keeps the value it returns.
 *
 * <p>Who may touch the producer thread is decided under {@link #lock}: it is interrupted only while it waits for a
 * connection ({@link Phase#ACQUIRING}), and its statement is cancelled on the server only while it holds the
 * connection ({@link Phase#RUNNING}), so neither can reach a thread or connection that has moved on.
 */
final class ShardTask implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(ShardTask.class);
    private static final String H2_STATEMENT = "; SQL statement:";

    enum Phase { NEW, ACQUIRING, RUNNING, RELEASING, ENDED }

    /** Why a task was told to stop. */
    enum Stop { DEADLINE, CANCEL }

    private enum Wait { PERMIT, POOL }

    final RowBuffer buffer;
    private final Shard shard;
    private final ResultQuery<? extends Record> query; // null for a task running the caller's work
    private final Function<? super DSLContext, ?> work; // null for a task streaming a query
    private final DatabaseShare share;
    private final Deadline deadline;
    private final int fetchSize;
    private final Consumer<ShardTask> onEnd;
    private final CountDownLatch done = new CountDownLatch(1);
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

    private volatile QueryOutcome outcome;
    private volatile long rowsRead;
    /** The producer is blocked handing a row to the buffer, not in the driver: nothing to cancel on the server. */
    private volatile boolean inPut;
    /** What the caller's work returned; set by the producer before the task ends. */
    private volatile Object value;

    ShardTask(Shard shard, ResultQuery<? extends Record> query, DatabaseShare share, Deadline deadline, int fetchSize,
              Consumer<ShardTask> onEnd) {
        this.shard = shard;
        this.query = query;
        this.work = null;
        this.share = share;
        this.deadline = deadline;
        this.fetchSize = fetchSize;
        this.onEnd = onEnd;
        this.buffer = new RowBuffer(fetchSize);
    }

    /**
     * A task that runs {@code work} with a context bound to one connection of the shard (its schema mapping kept) and
     * keeps its value. Stopped like a streaming task: its running statement is cancelled on the server, and a statement
     * it starts after the stop fails before it reaches the database.
     */
    ShardTask(Shard shard, Function<? super DSLContext, ?> work, DatabaseShare share, Deadline deadline,
              Consumer<ShardTask> onEnd) {
        this.shard = shard;
        this.query = null;
        this.work = work;
        this.share = share;
        this.deadline = deadline;
        this.fetchSize = 1;
        this.onEnd = onEnd;
        this.buffer = new RowBuffer(1); // unused: the work's value is the task's result
    }

    /** The value the work returned; meaningful once the task ended {@link Status#OK}. */
    Object value() {
        return value;
    }

    ShardId id() {
        return shard.id();
    }

    /** Null until the task ended. */
    QueryOutcome outcome() {
        return outcome;
    }

    long rowsRead() {
        return rowsRead;
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

    /** The task body has returned (or never will run); its connection and permit are given back. */
    boolean finished() {
        return done.getCount() == 0;
    }

    void awaitFinished() {
        boolean interrupted = false;
        while (true) {
            try {
                done.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // every connection must be back before the caller goes on
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    @Override
    public void run() {
        lock.lock();
        try {
            if (phase != Phase.NEW) return; // stopped before it started: ended already
            phase = Phase.ACQUIRING;
            thread = Thread.currentThread();
        } finally {
            lock.unlock();
        }
        Connection conn = null;
        boolean permit = false;
        boolean transactionOpened = false;
        Cursor<? extends Record> cursor = null;
        Throwable error = null;
        boolean complete = false;
        try {
            waitFor(Wait.PERMIT);
            share.permits.acquire(); // the watchdog interrupts this wait at the deadline
            permit = true;
            waitFor(Wait.POOL);
            conn = shard.dataSource().getConnection(); // and this one: HikariCP's own timeout may be far longer
            if (enterRunning(conn)) {
                if (work != null) {
                    value = work.apply(context(conn));
                    rowsRead = 1; // one value
                    complete = !stopRequested(); // a work that swallowed its cancelled statement did not answer
                } else {
                    if (needsTransactionToStream(shard.dialect()) && conn.getAutoCommit()) {
                        conn.setAutoCommit(false); // PgJDBC reads the whole result at once in auto-commit mode
                        transactionOpened = true;
                    }
                    cursor = context(conn).fetchLazy(query);
                    complete = pump(cursor);
                }
            }
        } catch (Throwable t) {
            error = t;
        } finally {
            Released released = release();
            if (cursor != null && !complete && error == null && readsRestOnClose(shard.dialect())) {
                cancelBeforeClose(conn, cursor); // the consumer stopped reading: end the query, not read it to its end
            }
            close(cursor);
            if (conn != null) giveBack(conn, transactionOpened);
            if (permit) share.permits.release();
            end(outcome(released, error, complete));
        }
    }

    /** The executor would not run this task: the shard fails without having started. */
    void rejected(RuntimeException e) {
        lock.lock();
        try {
            if (phase != Phase.NEW) return;
            phase = Phase.ENDED;
        } finally {
            lock.unlock();
        }
        end(failure(Status.FAILED, "[shard " + id() + "] not started: the executor rejected its task (" + e
                + ") — give the fan-out an executor that accepts one task per shard, or none for virtual threads", e));
    }

    /**
     * Tells the task to stop; the first request wins, and a task already giving its connection back is left to
     * finish. A task waiting for a connection is interrupted; a running one has its statement cancelled on the server.
     */
    void requestStop(Stop kind, String cause) {
        boolean neverStarted = false;
        lock.lock();
        try {
            if (stop != null || phase == Phase.RELEASING || phase == Phase.ENDED) return;
            stop = kind;
            stopCause = cause;
            switch (phase) {
                case NEW -> {
                    phase = Phase.ENDED;
                    neverStarted = true;
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
                    // Dekker with pump(): it clears inPut, then checks stopped; we set stopped, then check inPut.
                    if (!inPut) cancelOnServer();
                }
                default -> throw new IllegalStateException("phase " + phase);
            }
        } finally {
            lock.unlock();
        }
        if (neverStarted) {
            end(kind == Stop.DEADLINE
                    ? failure(Status.TIMED_OUT, "[shard " + id() + "] timed out: not started within "
                            + deadline.timeout().toMillis() + " ms — the executor ran no thread for it in time; give the "
                            + "fan-out an executor with a thread per shard, or none for virtual threads", null)
                    : failure(Status.CANCELLED, "[shard " + id() + "] cancelled before it started: " + cause, null));
        }
    }

    // ---- producer ---------------------------------------------------------------------------------------------

    private void waitFor(Wait what) throws InterruptedException {
        lock.lock();
        try {
            waitingFor = what;
            if (stop != null) throw new InterruptedException("stopped: " + stop);
        } finally {
            lock.unlock();
        }
    }

    private boolean enterRunning(Connection conn) {
        lock.lock();
        try {
            if (stop != null) return false; // stopped while the connection arrived; giveBack() returns it
            phase = Phase.RUNNING;
            connection = conn;
            return true;
        } finally {
            lock.unlock();
        }
    }

    private DSLContext context(Connection conn) {
        Configuration base = shard.dsl().configuration();
        // Keep the shard's settings (render mapping of its schema) and dialect; streamed records stay detached, since
        // the connection they would be attached to goes back to the pool when the cursor ends. The caller's work keeps
        // the shard's own settings: its records may be stored while it runs.
        Settings settings = work != null ? (Settings) base.settings().clone()
                : ((Settings) base.settings().clone()).withFetchSize(fetchSize).withAttachRecords(false);
        return base.derive(new DefaultConnectionProvider(conn)).derive(settings)
                .deriveAppending(new ExecuteListener() {
                    @Override
                    public void executeStart(ExecuteContext ctx) {
                        register(ctx.statement());
                    }

                    @Override
                    public void end(ExecuteContext ctx) {
                        // the caller's work goes on between statements: a stop then has no statement to cancel
                        if (work != null) unregister(ctx.statement());
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
            if (stop != null) throw new ShardException(ShardException.Code.DATABASE, "[shard " + id() + "] stopped before its statement ran");
            statement = s;
        } finally {
            lock.unlock();
        }
    }

    private boolean stopRequested() {
        lock.lock();
        try {
            return stop != null;
        } finally {
            lock.unlock();
        }
    }

    private boolean pump(Cursor<? extends Record> cursor) {
        while (cursor.hasNext()) {
            Record row = cursor.fetchNext();
            rowsRead++; // one writer: this thread
            inPut = true;
            boolean taken = buffer.put(row);
            inPut = false;
            if (!taken || buffer.stopped()) return false;
        }
        return true;
    }

    private void cancelOnServer() {
        if (connection == null) return;
        try {
            ServerCancel.cancel(connection, statement);
        } catch (SQLException | RuntimeException e) {
            LOG.warn("[shard {}] could not cancel its statement on the server: {}", id(), e.toString());
        }
    }

    /** What the task reached when it stopped accepting stop requests. */
    private record Released(Phase phase, Stop stop, String stopCause, Wait waitingFor, Optional<PoolStats> poolAtDeadline,
                            int heldByFanOut) {
    }

    private Released release() {
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

    private void close(Cursor<? extends Record> cursor) {
        if (cursor == null) return;
        try {
            cursor.close();
        } catch (RuntimeException e) {
            LOG.warn("[shard {}] could not close its cursor: {}", id(), e.toString());
        }
    }

    private void giveBack(Connection conn, boolean transactionOpened) {
        try {
            if (transactionOpened) {
                conn.rollback(); // a read: nothing to keep
                conn.setAutoCommit(true);
            }
        } catch (SQLException e) {
            LOG.debug("[shard {}] could not end its read transaction (the pool resets the connection): {}", id(), e.toString());
        }
        try {
            conn.close();
        } catch (SQLException e) {
            LOG.warn("[shard {}] could not return its connection: {}", id(), e.toString());
        }
    }

    private void end(QueryOutcome o) {
        lock.lock();
        try {
            phase = Phase.ENDED;
            outcome = o;
        } finally {
            lock.unlock();
        }
        onEnd.accept(this); // fail-fast and the watchdog learn of it before anyone sees the task finished
        done.countDown();
        buffer.finish(); // last: a consumer that sees the end finds the connection back in the pool
    }

    /**
     * Connector/J (MariaDB's, and MySQL's) reads every remaining row of a streaming result when it is closed, however
     * many: a cursor left early must have its query ended on the server first.
     */
    static boolean readsRestOnClose(SQLDialect dialect) {
        return dialect.family() == SQLDialect.MARIADB || dialect.family() == SQLDialect.MYSQL;
    }

    /**
     * Ends, on the server, the query of a cursor that was not read to its end (KILL QUERY, sent by the driver on a
     * connection of its own), so that closing the cursor reads only what is already on its way instead of the rest
     * of the result. The producer still holds the connection, so the kill cannot reach another user of it.
     */
    private void cancelBeforeClose(Connection conn, Cursor<? extends Record> cursor) {
        try {
            ServerCancel.cancel(conn, cursor.resultSet().getStatement());
        } catch (SQLException | RuntimeException e) {
            LOG.warn("[shard {}] could not end its query on the server before closing its cursor: {}", id(), e.toString());
        }
    }

    static boolean needsTransactionToStream(SQLDialect dialect) {
        return dialect.family() == SQLDialect.POSTGRES;
    }

    // ---- outcomes ---------------------------------------------------------------------------------------------

    private QueryOutcome outcome(Released r, Throwable error, boolean complete) {
        if (complete && error == null) {
            return new QueryOutcome(id(), Status.OK, deadline.elapsed(), rowsRead, Optional.empty());
        }
        boolean gotConnection = r.phase() == Phase.RUNNING;
        if (r.stop() == Stop.DEADLINE && !gotConnection) {
            return failure(Status.FAILED, noConnectionByDeadline(r), error);
        }
        if (r.stop() == Stop.DEADLINE) {
            return failure(Status.TIMED_OUT, "[shard " + id() + "] timed out: not finished within "
                    + deadline.timeout().toMillis() + " ms (" + rowsRead + " rows read) — stopped and cancelled on the "
                    + "server; raise the timeout or make the query cheaper on this shard", error);
        }
        if (r.stop() == Stop.CANCEL) {
            return failure(Status.CANCELLED, "[shard " + id() + "] cancelled after " + deadline.elapsed().toMillis()
                    + " ms (" + rowsRead + " rows read): " + r.stopCause(), error);
        }
        if (!gotConnection) {
            return failure(Status.FAILED, "[shard " + id() + "] no connection from database " + share.database + " after "
                    + deadline.elapsed().toMillis() + " ms (" + numbers(share.stats()) + "): " + describe(error)
                    + " — check that the database is up and its pool large enough", error);
        }
        return failure(Status.FAILED, "[shard " + id() + "] failed: " + describe(error), error);
    }

    private String noConnectionByDeadline(Released r) {
        String what = "[shard " + id() + "] no connection from database " + share.database + " within "
                + deadline.timeout().toMillis() + " ms (" + numbers(r.poolAtDeadline());
        if (r.waitingFor() == Wait.PERMIT) {
            return what + "; this fan-out's other shards hold " + r.heldByFanOut() + " of maximumPoolSize="
                    + share.maximumPoolSize + ", " + share.shards + " of its shards are on " + share.database
                    + ") — the pool is exhausted; raise maximumPoolSize to " + share.shards + " or lower concurrent use";
        }
        return what + ") — the pool is exhausted; raise maximumPoolSize or lower concurrent use";
    }

    private static String numbers(Optional<PoolStats> stats) {
        return stats.map(p -> "total=" + p.total() + ", active=" + p.active() + ", idle=" + p.idle() + ", waiting=" + p.waiting())
                .orElse("pool statistics unavailable");
    }

    private QueryOutcome failure(Status status, String message, Throwable cause) {
        Duration time = deadline.elapsed();
        return new QueryOutcome(id(), status, time, rowsRead,
                Optional.of(new ShardException(status == Status.TIMED_OUT ? ShardException.Code.TIMEOUT
                        : ShardException.Code.DATABASE, message, cause)));
    }

    /** The database's own words: the first line of the SQLException's message, and its SQLState. */
    static String describe(Throwable error) {
        if (error == null) return "no error";
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                String message = String.valueOf(sql.getMessage()).lines().findFirst().orElse("").strip();
                if (message.endsWith(H2_STATEMENT)) { // H2 puts the statement on the next lines
                    message = message.substring(0, message.length() - H2_STATEMENT.length());
                }
                return sql.getSQLState() == null ? message : message + " (SQLState " + sql.getSQLState() + ")";
            }
        }
        return error.toString();
    }
}
