package io.shardkit.query;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * Settings of one fan-out's execution.
 *
 * @param timeout   every shard's deadline, counted from the start of the fan-out: a shard not finished by then has
 *                  its statement cancelled on the server and ends {@link QueryOutcome.Status#TIMED_OUT}
 * @param policy    what the first failure does to the other shards
 * @param executor  runs one task per shard; {@code null} starts a new virtual thread per shard
 * @param fetchSize rows buffered per shard (and the JDBC fetch size): memory is bounded by shards × fetchSize
 */
record ExecutionSettings(Duration timeout, FailurePolicy policy, Executor executor, int fetchSize) {

    ExecutionSettings {
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(policy, "policy");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        if (fetchSize < 1) {
            throw new IllegalArgumentException("fetchSize must be at least 1: " + fetchSize);
        }
    }

    /** Settings that run every shard on a virtual thread of its own. */
    ExecutionSettings(Duration timeout, FailurePolicy policy, int fetchSize) {
        this(timeout, policy, null, fetchSize);
    }
}
