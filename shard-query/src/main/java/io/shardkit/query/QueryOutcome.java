package io.shardkit.query;

import io.shardkit.router.ShardId;
import java.time.Duration;
import java.util.Optional;

/**
 * How one shard's part of a fan-out went.
 *
 * @param rows  rows the shard returned (before the merge)
 * @param error the failure, when {@code status} is not {@link Status#OK}
 */
public record QueryOutcome(ShardId shard, Status status, Duration time, long rows, Optional<Throwable> error) {

    /** The shard's state at the end of the fan-out. */
    public enum Status {
        OK, FAILED, TIMED_OUT, CANCELLED
    }

    public boolean ok() {
        return status == Status.OK;
    }

    @Override
    public String toString() {
        return shard + " " + status + " in " + time.toMillis() + " ms, " + rows + " rows"
                + error.map(e -> ": " + e.getMessage()).orElse("");
    }
}
