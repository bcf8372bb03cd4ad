package io.shardkit.query;

import io.shardkit.cluster.Shard;
import io.shardkit.query.QueryOutcome.Status;
import io.shardkit.router.ShardId;
import java.sql.Connection;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.ResultQuery;

/**
 * One shard's part of a fan-out: takes a connection (within the fan-out's share of the database, and never past the
 * deadline), streams the shard's query through a jOOQ cursor into a {@link RowBuffer}, and gives the cursor,
 * connection and share back whatever happens. Stopped by the deadline, by another shard's failure, or by the
 * consumer closing the fan-out. For {@link FanOut#forEachShard} the task runs the caller's work instead, with a
 * context bound to that one connection, and keeps the value it returns.
 *
 * <p>The task's parts: {@link StopControl} decides what a stop may touch, {@link ConnectionLease} takes and gives back
 * the connection, a {@link ShardJob} ({@link StreamedQuery} or {@link CallerWork}) uses it, and {@link TaskOutcomes}
 * says how it went.
 */
final class ShardTask implements Runnable {

    /** How long a stopped task may take to end before its connection is aborted under it. */
    static final Duration ABORT_AFTER = Duration.ofSeconds(1);

    /** Why a task was told to stop. */
    enum Stop { DEADLINE, CANCEL }

    final RowBuffer buffer;
    private final Shard shard;
    private final DatabaseShare share;
    private final Consumer<ShardTask> onEnd;
    private final StopControl control;
    private final ShardJob job;
    private final TaskOutcomes outcomes;
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile QueryOutcome outcome;

    ShardTask(Shard shard, ResultQuery<? extends Record> query, DatabaseShare share, Deadline deadline, int fetchSize,
              Consumer<ShardTask> onEnd) {
        this(shard, share, deadline, new RowBuffer(fetchSize), onEnd,
                (buffer, control) -> new StreamedQuery(shard, query, fetchSize, buffer, control));
    }

    /**
     * A task that runs {@code work} with a context bound to one connection of the shard (its schema mapping kept) and
     * keeps its value. Stopped like a streaming task: its running statement is cancelled on the server, and a statement
     * it starts after the stop fails before it reaches the database.
     */
    ShardTask(Shard shard, Function<? super DSLContext, ?> work, DatabaseShare share, Deadline deadline,
              Consumer<ShardTask> onEnd) {
        this(shard, share, deadline, new RowBuffer(1), // unused: the work's value is the task's result
                onEnd, (buffer, control) -> new CallerWork(shard, work, control));
    }

    private ShardTask(Shard shard, DatabaseShare share, Deadline deadline, RowBuffer buffer, Consumer<ShardTask> onEnd,
                      BiFunction<RowBuffer, StopControl, ShardJob> job) {
        this.buffer = buffer;
        this.shard = shard;
        this.share = share;
        this.onEnd = onEnd;
        this.control = new StopControl(shard.id(), share, buffer);
        this.job = job.apply(buffer, control);
        this.outcomes = new TaskOutcomes(shard.id(), share, deadline, this.job::rowsRead);
    }

    /** The value the work returned; meaningful once the task ended {@link Status#OK}. */
    Object value() {
        return job.value();
    }

    ShardId id() {
        return shard.id();
    }

    /** Null until the task ended. */
    QueryOutcome outcome() {
        return outcome;
    }

    long rowsRead() {
        return job.rowsRead();
    }

    /** The producer holds a row its full buffer has no room for: it reads no further until the consumer takes one. */
    boolean waitingForConsumer() {
        return control.handingOver() && buffer.full();
    }

    /** Not yet holding a connection: a stop now keeps it from taking one that a stopped shard gives back. */
    boolean waiting() {
        return control.waiting();
    }

    /** The task body has returned (or never will run); its connection and permit are given back. */
    boolean finished() {
        return done.getCount() == 0;
    }

    /**
     * Waits until the task has finished. A stopped task still running {@link #ABORT_AFTER} into the wait has its
     * connection aborted ({@link StopControl#abortConnection()}): its server answered neither the statement nor the
     * cancel, and the caller must not wait on it for as long as the socket stays open.
     */
    void awaitFinished() {
        boolean interrupted = false;
        while (true) {
            try {
                if (done.await(ABORT_AFTER.toNanos(), TimeUnit.NANOSECONDS)) break;
                abortIfStopped();
            } catch (InterruptedException e) {
                interrupted = true; // every connection must be back before the caller goes on
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    /** Closes the connection under a task that was told to stop and is still running; see {@link #awaitFinished()}. */
    void abortIfStopped() {
        if (!finished() && control.stopRequested()) control.abortConnection();
    }

    @Override
    public void run() {
        if (!control.start()) return; // stopped before it started: ended already
        ConnectionLease lease = new ConnectionLease(shard, share);
        Throwable error = null;
        boolean complete = false;
        try {
            Connection conn = lease.acquire(control);
            if (control.enterRunning(conn)) complete = job.run(conn); // else stopped meanwhile: giveBack() returns it
        } catch (Throwable t) {
            error = t;
        } finally {
            StopControl.Released released = control.release();
            job.finish(complete, error != null);
            lease.giveBack();
            end(outcomes.ended(released, error, complete));
        }
    }

    /** The executor would not run this task: the shard fails without having started. */
    void rejected(RuntimeException e) {
        if (control.endUnstarted()) end(outcomes.rejected(e));
    }

    /**
     * Tells the task to stop; the first request wins, and a task already giving its connection back is left to
     * finish. A task waiting for a connection is interrupted; a running one has its statement cancelled on the server.
     */
    void requestStop(Stop kind, String cause) {
        if (control.requestStop(kind, cause)) end(outcomes.notStarted(kind, cause));
    }

    private void end(QueryOutcome o) {
        control.ended();
        outcome = o;
        onEnd.accept(this); // fail-fast and the watchdog learn of it before anyone sees the task finished
        done.countDown();
        buffer.finish(); // last: a consumer that sees the end finds the connection back in the pool
    }
}
