package io.shardkit.query;

import io.shardkit.cluster.Shard;
import io.shardkit.cluster.ShardCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.Select;

/**
 * Runs one jOOQ query on many shards in parallel and merges the answers into what one database holding all the data
 * would return — ordering, LIMIT/OFFSET, COUNT/SUM/MIN/MAX/AVG, GROUP BY with HAVING, DISTINCT, keyset pages — or
 * refuses the query with {@link UnsupportedFanOutException} before it runs anywhere.
 *
 * <pre>{@code
 * FanOutResult<Record3<Long, String, BigDecimal>> top = FanOut.on(cluster)
 *     .select(select(ORDERS.ID, ORDERS.STATUS, ORDERS.TOTAL).from(ORDERS).orderBy(ORDERS.TOTAL.desc(), ORDERS.ID).limit(20))
 *     .onAllShards().timeout(Duration.ofSeconds(2)).onFailure(FailurePolicy.FAIL_FAST)
 *     .fetch();
 * }</pre>
 */
public final class FanOut {
    private final ShardCluster cluster;

    private FanOut(ShardCluster cluster) {
        this.cluster = cluster;
    }

    /** Fan-outs over {@code cluster}'s shards; cheap, holds nothing but the cluster. */
    public static FanOut on(ShardCluster cluster) {
        return new FanOut(Objects.requireNonNull(cluster, "cluster"));
    }

    /**
     * Runs {@code work} on every shard in parallel and returns each shard's value, for anything the planner does not
     * cover — the caller combines the values. Fails fast: see {@link #forEachShard(Duration, FailurePolicy, Function)}.
     */
    public <T> FanOutResult<ShardValue<T>> forEachShard(Duration timeout, Function<? super DSLContext, ? extends T> work) {
        return forEachShard(timeout, FailurePolicy.FAIL_FAST, work);
    }

    /**
     * Runs {@code work} on every shard in parallel (a virtual thread each) and returns each shard's value in shard
     * order, with an outcome per shard.
     *
     * <p>Each shard's work gets a context bound to one connection of that shard's pool (with the shard's schema
     * mapping), held for the whole work; a fan-out takes at most {@code maximumPoolSize} connections of a database,
     * however many of its shards live there, the others waiting their turn. A shard not finished {@code timeout}
     * after the start has its running statement cancelled on the server — never its thread interrupted inside the
     * driver — and ends {@link QueryOutcome.Status#TIMED_OUT} (one that got no connection by then fails, with the
     * pool's numbers); a statement the work starts after that fails before it reaches the database. Anything the
     * work throws, {@link Error}s included, fails that shard.
     *
     * <p>{@link FailurePolicy#FAIL_FAST}: the first shard that fails or times out stops the others (their statements
     * cancelled on the server, outcome {@link QueryOutcome.Status#CANCELLED}) and {@link FanOutException} naming it
     * is thrown. {@link FailurePolicy#PARTIAL}: the values of the shards that answered, and an outcome for each
     * shard; {@link FanOutResult#orThrow()} converts.
     *
     * <p>When this returns or throws, every shard's work has returned and every connection is back in its pool. The
     * work should use the context it is given for its database access (statements it runs on connections of its own
     * cannot be cancelled), must not keep it, and should let a failed statement fail it: a work that swallows the
     * failure of its cancelled statement still ends as stopped, and one that blocks outside the database is waited for.
     */
    public <T> FanOutResult<ShardValue<T>> forEachShard(Duration timeout, FailurePolicy policy,
                                                         Function<? super DSLContext, ? extends T> work) {
        Objects.requireNonNull(work, "work");
        new ExecutionSettings(timeout, policy, 1); // checks the timeout and the policy
        List<Shard> shards = cluster.shards();
        FanOutMeters meters = FanOutMeters.of(cluster);
        long started = System.nanoTime();
        Map<String, DatabaseShare> shares = ShardStreams.shares(shards, cluster);
        EachShard each = new EachShard(policy, Deadline.startingNow(timeout), shards.size());
        for (Shard shard : shards) {
            each.tasks.add(new ShardTask(shard, work, shares.get(shard.database()), each.deadline, each::ended));
        }
        for (ShardTask task : each.tasks) {
            try {
                Thread.ofVirtual().name("shardkit-for-each-" + task.id()).start(task);
            } catch (RuntimeException e) {
                task.rejected(e);
            } catch (Error e) {
                each.stopAll(ShardTask.Stop.CANCEL, "the fan-out could not start: " + e);
                each.tasks.forEach(ShardTask::awaitFinished);
                throw e;
            }
        }
        InterruptedException interrupted = null;
        try {
            if (!each.awaitEnds()) each.stopAll(ShardTask.Stop.DEADLINE, null);
        } catch (InterruptedException e) {
            interrupted = e;
            each.stopAll(ShardTask.Stop.CANCEL, "the calling thread was interrupted");
        }
        each.tasks.forEach(ShardTask::awaitFinished); // every work returned, every connection back in its pool
        List<QueryOutcome> outcomes = each.tasks.stream().map(ShardTask::outcome).toList();
        ShardTask failed = each.firstFailure.get();
        boolean throwing = interrupted != null || (policy == FailurePolicy.FAIL_FAST && failed != null);
        meters.ended(policy, started, shards, outcomes, throwing ? failed == null ? interrupted : failed.outcome().error().orElseThrow() : null);
        if (interrupted != null) {
            Thread.currentThread().interrupt();
            throw new FanOutException("interrupted while waiting for the shards — every shard stopped and its connection "
                    + "returned", outcomes, interrupted);
        }
        if (policy == FailurePolicy.FAIL_FAST && failed != null) {
            Throwable error = failed.outcome().error().orElseThrow();
            throw new FanOutException(error.getMessage(), outcomes, error);
        }
        List<ShardValue<T>> values = new ArrayList<>();
        for (ShardTask task : each.tasks) {
            if (task.outcome().ok()) {
                @SuppressWarnings("unchecked") // the task holds what work returned
                T value = (T) task.value();
                values.add(new ShardValue<>(task.id(), value));
            }
        }
        return new FanOutResult<>(values, outcomes);
    }

    /** The shard tasks of one {@link #forEachShard} call, and how they end. */
    private static final class EachShard {
        final List<ShardTask> tasks = new ArrayList<>();
        final FailurePolicy policy;
        final Deadline deadline;
        final AtomicReference<ShardTask> firstFailure = new AtomicReference<>();
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition taskEnded = lock.newCondition();
        private int unfinished; // guarded by lock

        EachShard(FailurePolicy policy, Deadline deadline, int shards) {
            this.policy = policy;
            this.deadline = deadline;
            this.unfinished = shards;
        }

        /** Called by each task when it has ended, on whichever thread ended it. */
        void ended(ShardTask task) {
            QueryOutcome.Status status = task.outcome().status();
            boolean failed = status == QueryOutcome.Status.FAILED || status == QueryOutcome.Status.TIMED_OUT;
            if (policy == FailurePolicy.FAIL_FAST && failed && firstFailure.compareAndSet(null, task)) {
                stopAll(ShardTask.Stop.CANCEL, "shard " + task.id() + " failed (FAIL_FAST)");
            }
            lock.lock();
            try {
                unfinished--;
                taskEnded.signalAll();
            } finally {
                lock.unlock();
            }
        }

        /** Waits until every task ended (true) or the deadline passed (false). */
        boolean awaitEnds() throws InterruptedException {
            lock.lock();
            try {
                long left;
                while (unfinished > 0 && (left = deadline.remainingNanos()) > 0) {
                    taskEnded.awaitNanos(left);
                }
                return unfinished == 0;
            } finally {
                lock.unlock();
            }
        }

        /** Stops the tasks still waiting for a connection first, so none takes one that a stopped task gives back. */
        void stopAll(ShardTask.Stop kind, String cause) {
            tasks.stream().filter(ShardTask::waiting).toList().forEach(t -> t.requestStop(kind, cause));
            tasks.forEach(t -> t.requestStop(kind, cause));
        }
    }

    /** A fan-out of {@code query}; its shape is checked when it runs. */
    public <R extends Record> FanOutQuery<R> select(Select<R> query) {
        return new FanOutQuery<>(cluster, Objects.requireNonNull(query, "query"));
    }
}
