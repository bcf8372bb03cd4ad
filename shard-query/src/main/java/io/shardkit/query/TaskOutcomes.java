package io.shardkit.query;

import io.shardkit.cluster.PoolStats;
import io.shardkit.query.QueryOutcome.Status;
import io.shardkit.query.ShardTask.Stop;
import io.shardkit.query.StopControl.Phase;
import io.shardkit.query.StopControl.Released;
import io.shardkit.query.StopControl.Wait;
import io.shardkit.router.ShardException;
import io.shardkit.router.ShardId;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The {@link QueryOutcome} a shard task ends with: its status follows from why it stopped (the deadline, a cancel,
 * an error) and how far it got (a connection or not), and a failure's message says what happened in the database's
 * own words and what to do about it.
 */
final class TaskOutcomes {
    private static final String H2_STATEMENT = "; SQL statement:";

    private final ShardId shard;
    private final DatabaseShare share;
    private final Deadline deadline;
    private final LongSupplier rowsRead;

    TaskOutcomes(ShardId shard, DatabaseShare share, Deadline deadline, LongSupplier rowsRead) {
        this.shard = shard;
        this.share = share;
        this.deadline = deadline;
        this.rowsRead = rowsRead;
    }

    /** A task that ran: {@code complete} when its job finished, {@code error} what it threw, if anything. */
    QueryOutcome ended(Released r, Throwable error, boolean complete) {
        if (complete && error == null) {
            return new QueryOutcome(shard, Status.OK, deadline.elapsed(), rowsRead.getAsLong(), Optional.empty());
        }
        boolean gotConnection = r.phase() == Phase.RUNNING;
        if (r.stop() == Stop.DEADLINE && !gotConnection) {
            return failure(Status.FAILED, noConnectionByDeadline(r), error);
        }
        if (r.stop() == Stop.DEADLINE) {
            return failure(Status.TIMED_OUT, "[shard " + shard + "] timed out: not finished within "
                    + deadline.timeout().toMillis() + " ms (" + rowsRead.getAsLong() + " rows read) — stopped and cancelled "
                    + "on the server; raise the timeout or make the query cheaper on this shard", error);
        }
        if (r.stop() == Stop.CANCEL) {
            return failure(Status.CANCELLED, "[shard " + shard + "] cancelled after " + deadline.elapsed().toMillis()
                    + " ms (" + rowsRead.getAsLong() + " rows read): " + r.stopCause(), error);
        }
        if (!gotConnection) {
            return failure(Status.FAILED, "[shard " + shard + "] no connection from database " + share.database + " after "
                    + deadline.elapsed().toMillis() + " ms (" + numbers(share.stats()) + "): " + describe(error)
                    + " — check that the database is up and its pool large enough", error);
        }
        return failure(Status.FAILED, "[shard " + shard + "] failed: " + describe(error), error);
    }

    /** A task stopped before a thread ran it. */
    QueryOutcome notStarted(Stop kind, String cause) {
        return kind == Stop.DEADLINE
                ? failure(Status.TIMED_OUT, "[shard " + shard + "] timed out: not started within "
                        + deadline.timeout().toMillis() + " ms — the executor ran no thread for it in time; give the "
                        + "fan-out an executor with a thread per shard, or none for virtual threads", null)
                : failure(Status.CANCELLED, "[shard " + shard + "] cancelled before it started: " + cause, null);
    }

    /** A task the executor would not run: the shard fails without having started. */
    QueryOutcome rejected(RuntimeException e) {
        return failure(Status.FAILED, "[shard " + shard + "] not started: the executor rejected its task (" + e
                + ") — give the fan-out an executor that accepts one task per shard, or none for virtual threads", e);
    }

    private String noConnectionByDeadline(Released r) {
        String what = "[shard " + shard + "] no connection from database " + share.database + " within "
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
        return new QueryOutcome(shard, status, time, rowsRead.getAsLong(),
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
