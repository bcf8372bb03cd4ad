package io.shardkit.bench.faults;

import java.time.Duration;

/**
 * The size and timing of a fault run, and the cluster settings it runs with. Every caller is a virtual thread; the
 * run is bounded: warm-up, a baseline window, the fault held for {@code faultLength}, then {@code after} of recovery.
 *
 * @param callers            request callers (writes and reads by key), each in a loop without think time
 * @param reporters          callers that run fan-out reports in a loop
 * @param customers          shard keys, spread over the shards by the router
 * @param poolSize           connections per database (primaries and replicas): the callers of a shard and its
 *                           reporters' statements, so a healthy shard's callers never queue for a connection
 * @param connectionTimeout  the pools' connection timeout
 * @param statementTimeout   the pools' {@code statementTimeoutMs}
 * @param reportTimeout      each fan-out report's deadline (PARTIAL)
 * @param maxReplicaLag      {@code reads.maxReplicaLagMs}
 * @param lagCheckInterval   {@code reads.lagCheckIntervalMs}
 * @param retryFailedReplica {@code reads.retryFailedReplicaAfterMs}
 */
record FaultSettings(int callers, int reporters, int customers, Duration warmup, Duration baseline,
                     Duration faultLength, Duration after, int poolSize, Duration connectionTimeout,
                     Duration statementTimeout, Duration reportTimeout, Duration maxReplicaLag,
                     Duration lagCheckInterval, Duration retryFailedReplica) {

    /** The documented full run: 64 request callers and 2 reporters, a 10 s fault between 15 s windows. */
    static FaultSettings full() {
        return new FaultSettings(64, 2, 4_000, Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofSeconds(10),
                Duration.ofSeconds(15), 20, Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(2),
                Duration.ofSeconds(1), Duration.ofMillis(100), Duration.ofSeconds(1));
    }

    /** The short run of {@code ./mvnw verify}: fewer callers, shorter windows, the same fault length. */
    static FaultSettings ci() {
        return new FaultSettings(16, 1, 1_000, Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(10),
                Duration.ofSeconds(6), 8, Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(2),
                Duration.ofSeconds(1), Duration.ofMillis(100), Duration.ofSeconds(1));
    }

    /**
     * The longest a call on the affected shard may take to fail: the connection timeout, past which HikariCP may still
     * be validating an idle connection for up to the same again (its validation timeout is capped at the connection
     * timeout); then the statement timeout and the driver's one-second grace; plus a second of slack for a loaded
     * 2-core machine.
     */
    Duration errorBound() {
        return connectionTimeout.multipliedBy(2).plus(statementTimeout).plusSeconds(2);
    }

    /** The longest a PARTIAL report may take: its deadline, the cancel request's and the abort's second each, slack. */
    Duration reportBound() {
        return reportTimeout.plusSeconds(3);
    }

    /** The recovery goal: the affected shard serves again this soon after its server is back. */
    static final Duration RECOVERY_GOAL = Duration.ofSeconds(5);
}
