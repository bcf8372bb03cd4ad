package io.shardkit.query;

import io.shardkit.cluster.Shard;
import io.shardkit.cluster.ShardCluster;
import io.shardkit.query.QueryOutcome.Status;
import io.shardkit.router.ShardId;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jooq.Record;
import org.jooq.ResultQuery;

/**
 * Runs one query per shard in parallel (each shard's query made by {@code queryFor}), each streaming through a jOOQ
 * cursor into a bounded buffer of {@code fetchSize} rows that the merge pulls from — memory is bounded by
 * shards × fetchSize, not by result size (precisely: per shard the buffer, one row in hand, and the driver's
 * current batch of fetchSize rows; PostgreSQL is read inside a transaction so that PgJDBC fetches in batches at all).
 *
 * <p>Threads: one task per shard (a virtual thread each, or the caller's executor) and one virtual watchdog thread
 * that stops every unfinished shard at the deadline. Each shard holds at most one connection and never waits for a
 * second, so the per-database bound cannot deadlock the pools. It can stall a consumer that needs the first row of
 * every stream (a k-way merge) when more of its shards share a database than that database's
 * {@code maximumPoolSize}: the running shards fill their buffers and wait for the merge, the merge waits for a shard
 * that has no connection yet, until the deadline fails it with a message saying so.
 *
 * <p>Whatever happens — every row read, a failure, the deadline, {@link #close()} after a LIMIT was satisfied, an
 * interrupt — once the streams have ended or {@code close()} returned, every cursor is closed, every connection is
 * back in its pool and no shard task is running.
 */
final class ShardStreams implements AutoCloseable {

    private final List<ShardTask> tasks;
    private final List<ShardStream> streams;
    private final FailurePolicy policy;
    private final Deadline deadline;
    private final AtomicReference<ShardTask> firstFailure = new AtomicReference<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition taskEnded = lock.newCondition();
    private int unfinished; // guarded by lock
    private volatile boolean closing;
    private volatile FanOutException terminal; // thrown by every stream from then on
    private volatile Thread watchdog;

    private ShardStreams(FailurePolicy policy, Deadline deadline, int shards) {
        this.policy = policy;
        this.deadline = deadline;
        this.tasks = new ArrayList<>(shards);
        this.streams = new ArrayList<>(shards);
        this.unfinished = shards;
    }

    /**
     * Starts every shard's query at once and returns while they run. {@code queryFor} is called here, on the
     * caller's thread, once per shard, and must return a new query each time (each is attached to its own
     * shard's connection while it runs).
     */
    static ShardStreams open(List<Shard> shards, Function<Shard, ResultQuery<? extends Record>> queryFor,
                             ExecutionSettings settings, ShardCluster cluster) {
        Objects.requireNonNull(shards, "shards");
        Objects.requireNonNull(queryFor, "queryFor");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(cluster, "cluster");
        List<Shard> given = List.copyOf(shards);
        Map<ShardId, ResultQuery<? extends Record>> queries = queries(given, queryFor);
        Map<String, DatabaseShare> shares = shares(given, cluster);

        ShardStreams fanOut = new ShardStreams(settings.policy(), Deadline.startingNow(settings.timeout()), given.size());
        for (Shard shard : given) {
            ShardTask task = new ShardTask(shard, queries.get(shard.id()), shares.get(shard.database()), fanOut.deadline,
                    settings.fetchSize(), fanOut::ended);
            fanOut.tasks.add(task);
            fanOut.streams.add(fanOut.new Stream(task));
        }
        try {
            for (ShardTask task : fanOut.tasks) {
                start(task, settings);
            }
            fanOut.watchdog = Thread.ofVirtual().name("shardkit-fan-out-deadline").start(fanOut::watch);
        } catch (RuntimeException | Error e) {
            fanOut.closeAll("the fan-out could not start: " + e);
            throw e;
        }
        return fanOut;
    }

    /** One stream per shard, in the order the shards were given. */
    List<ShardStream> streams() {
        return List.copyOf(streams);
    }

    /**
     * How each shard went, in shard order. Final once every stream has ended or {@link #close()} returned; before
     * that it throws, since a running shard has no outcome yet.
     */
    List<QueryOutcome> outcomes() {
        List<ShardId> running = tasks.stream().filter(t -> t.outcome() == null).map(ShardTask::id).toList();
        if (!running.isEmpty()) {
            throw new IllegalStateException("outcomes are final once every stream has ended or close() returned — "
                    + running.size() + " of " + tasks.size() + " shards still running: " + running);
        }
        tasks.forEach(ShardTask::awaitFinished); // ended, so this is the last few instructions of each task
        return tasks.stream().map(ShardTask::outcome).toList();
    }

    /**
     * Cancels what still runs (statements cancelled on the server; those shards end {@link Status#CANCELLED}) and
     * returns once every shard task has ended, its cursor closed and its connection back in the pool. Idempotent.
     */
    @Override
    public void close() {
        closeAll("the fan-out was closed before this shard finished");
    }

    /** Shard tasks whose body has not returned, plus the watchdog while it waits: 0 after close(). */
    int running() {
        int n = (int) tasks.stream().filter(t -> !t.finished()).count();
        Thread w = watchdog;
        return w != null && w.isAlive() ? n + 1 : n;
    }

    /** Rows the shard's producer has read from its cursor so far (tests: the buffer bound). */
    long rowsRead(int shardIndex) {
        return tasks.get(shardIndex).rowsRead();
    }

    /** The shard's producer waits for the consumer with a full buffer and a row in hand (tests: the buffer bound). */
    boolean waitingForConsumer(int shardIndex) {
        return tasks.get(shardIndex).waitingForConsumer();
    }

    // ---- start ------------------------------------------------------------------------------------------------

    private static Map<ShardId, ResultQuery<? extends Record>> queries(List<Shard> shards,
                                                                       Function<Shard, ResultQuery<? extends Record>> queryFor) {
        Map<ShardId, ResultQuery<? extends Record>> queries = new LinkedHashMap<>();
        Map<ResultQuery<?>, ShardId> owners = new IdentityHashMap<>();
        for (Shard shard : shards) {
            Objects.requireNonNull(shard, "shards contains null");
            if (queries.containsKey(shard.id())) {
                throw new IllegalArgumentException("shard " + shard.id() + " is given twice — give each shard once");
            }
            ResultQuery<? extends Record> query = queryFor.apply(shard);
            if (query == null) {
                throw new IllegalArgumentException("[shard " + shard.id() + "] queryFor returned null — return the query to run there");
            }
            ShardId owner = owners.putIfAbsent(query, shard.id());
            if (owner != null) {
                throw new IllegalArgumentException("queryFor returned the same query object for shards " + owner + " and "
                        + shard.id() + " — return a new query per shard (e.g. built with shard.dsl()): each runs attached "
                        + "to its own shard's connection");
            }
            queries.put(shard.id(), query);
        }
        return queries;
    }

    static Map<String, DatabaseShare> shares(List<Shard> shards, ShardCluster cluster) {
        Map<String, Long> perDatabase = shards.stream()
                .collect(Collectors.groupingBy(Shard::database, LinkedHashMap::new, Collectors.counting()));
        Map<String, DatabaseShare> shares = new LinkedHashMap<>();
        perDatabase.forEach((database, count) -> shares.put(database, new DatabaseShare(database,
                cluster.poolStats(database).maximumPoolSize(), count.intValue(), cluster)));
        return shares;
    }

    private static void start(ShardTask task, ExecutionSettings settings) {
        if (settings.executor() == null) {
            Thread.ofVirtual().name("shardkit-fan-out-" + task.id()).start(task);
            return;
        }
        try {
            settings.executor().execute(task);
        } catch (RejectedExecutionException e) {
            task.rejected(e);
        }
    }

    // ---- ends ------------------------------------------------------------------------------------------------

    /** Called by each task when it has ended, on whichever thread ended it, before anyone sees it finished. */
    private void ended(ShardTask task) {
        QueryOutcome o = task.outcome();
        boolean failed = o.status() == Status.FAILED || o.status() == Status.TIMED_OUT;
        if (policy == FailurePolicy.FAIL_FAST && failed && firstFailure.compareAndSet(null, task)) {
            stopAll(ShardTask.Stop.CANCEL, "shard " + task.id() + " failed (FAIL_FAST)");
            tasks.forEach(t -> t.buffer.wake()); // the consumer may be waiting on any stream
        }
        lock.lock();
        try {
            unfinished--;
            taskEnded.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The watchdog: sleeps until the deadline, or until every task ended or the fan-out closed. */
    private void watch() {
        lock.lock();
        try {
            long left;
            while (unfinished > 0 && !closing && (left = deadline.remainingNanos()) > 0) {
                taskEnded.awaitNanos(left);
            }
            if (unfinished == 0 || closing) return;
        } catch (InterruptedException e) {
            return; // nobody interrupts it; if someone does, close() still stops every shard
        } finally {
            lock.unlock();
        }
        stopAll(ShardTask.Stop.DEADLINE, null);
        abortLate();
    }

    /**
     * The consumer waits for a stopped shard's stream to end; a shard whose server answers neither its statement nor
     * the cancel would never end it. Gives the stopped shards {@link ShardTask#ABORT_AFTER} to end, then closes the
     * connections of those still reading under them.
     */
    private void abortLate() {
        long until = System.nanoTime() + ShardTask.ABORT_AFTER.toNanos();
        lock.lock();
        try {
            long left;
            while (unfinished > 0 && (left = until - System.nanoTime()) > 0) taskEnded.awaitNanos(left);
            if (unfinished == 0) return;
        } catch (InterruptedException e) {
            return;
        } finally {
            lock.unlock();
        }
        tasks.forEach(ShardTask::abortIfStopped);
    }

    /**
     * Stops the shards still waiting for a connection first, so none of them takes a connection that a stopped
     * running shard gives back; a task already ended ignores the request.
     */
    private void stopAll(ShardTask.Stop kind, String cause) {
        List<ShardTask> waiting = tasks.stream().filter(ShardTask::waiting).toList();
        waiting.forEach(t -> t.requestStop(kind, cause));
        tasks.forEach(t -> t.requestStop(kind, cause));
    }

    /** Stops every shard, with {@code cause} as the reason unless a shard failed first, and waits for all. */
    private void closeAll(String cause) {
        closing = true;
        ShardTask failed = firstFailure.get();
        String why = failed != null ? "shard " + failed.id() + " failed (FAIL_FAST)" : cause;
        stopAll(ShardTask.Stop.CANCEL, why);
        tasks.forEach(t -> t.buffer.wake());
        tasks.forEach(ShardTask::awaitFinished);
        lock.lock();
        try {
            taskEnded.signalAll();
        } finally {
            lock.unlock();
        }
        joinWatchdog();
    }

    private void joinWatchdog() {
        Thread w = watchdog;
        if (w == null) return;
        boolean interrupted = false;
        while (true) {
            try {
                w.join(); // it only waits for a signal or the deadline, then stops tasks that are already stopping
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    private FanOutException failedFast() {
        closeAll("a shard failed");
        lock.lock();
        try {
            if (terminal == null) {
                QueryOutcome failure = firstFailure.get().outcome();
                Throwable error = failure.error().orElseThrow();
                terminal = new FanOutException(error.getMessage(), outcomes(), error);
            }
            return terminal;
        } finally {
            lock.unlock();
        }
    }

    private FanOutException interrupted(ShardTask waitedFor, InterruptedException e) {
        closeAll("the consumer thread was interrupted");
        lock.lock();
        try {
            if (terminal == null) {
                List<QueryOutcome> outcomes = outcomes();
                terminal = new FanOutException("[shard " + waitedFor.id() + "] interrupted while waiting for its rows ("
                        + summary(outcomes) + ") — the fan-out was closed: every shard stopped and its connection "
                        + "returned", outcomes, e);
            }
            return terminal;
        } finally {
            lock.unlock();
            Thread.currentThread().interrupt(); // the caller still sees it
        }
    }

    private static String summary(List<QueryOutcome> outcomes) {
        Map<Status, Long> counts = outcomes.stream()
                .collect(Collectors.groupingBy(QueryOutcome::status, () -> new java.util.EnumMap<>(Status.class), Collectors.counting()));
        return outcomes.size() + " shards: " + counts.entrySet().stream()
                .map(e -> e.getValue() + " " + e.getKey().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '))
                .collect(Collectors.joining(", "));
    }

    // ---- the consumer's side ----------------------------------------------------------------------------------

    private final class Stream implements ShardStream {
        private final ShardTask task;

        Stream(ShardTask task) {
            this.task = task;
        }

        @Override
        public ShardId shard() {
            return task.id();
        }

        @Override
        public boolean hasNext() {
            while (true) {
                FanOutException thrown = terminal;
                if (thrown != null) throw thrown;
                if (firstFailure.get() != null) throw failedFast();
                if (closing) return false;
                RowBuffer.Wake wake;
                try {
                    wake = task.buffer.await(() -> closing || firstFailure.get() != null);
                } catch (InterruptedException e) {
                    throw interrupted(task, e);
                }
                switch (wake) {
                    case ROW:
                        return true;
                    case END:
                        if (firstFailure.get() == null) return false; // else: loop, and throw
                        break;
                    case GAVE_UP:
                        break; // loop: closed, or failed fast
                }
            }
        }

        @Override
        public Record next() {
            if (!hasNext()) throw new NoSuchElementException("shard " + task.id() + " has no more rows");
            return task.buffer.take();
        }

        @Override
        public String toString() {
            return "ShardStream[" + task.id() + "]";
        }
    }

    @Override
    public String toString() {
        return "ShardStreams[" + tasks.size() + " shards, " + policy + ", timeout " + deadline.timeout().toMillis() + " ms]";
    }
}
