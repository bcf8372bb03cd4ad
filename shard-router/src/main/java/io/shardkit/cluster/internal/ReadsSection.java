package io.shardkit.cluster.internal;

import io.shardkit.cluster.ReadPolicy;
import io.shardkit.cluster.config.ClusterConfig;
import java.time.Duration;

/** The {@code reads:} section: how reads use replicas, each setting defaulting to {@link ReadPolicy#DEFAULT}'s. */
final class ReadsSection {
    private ReadsSection() {
    }

    static ReadPolicy read(ClusterConfig config, Problems problems) {
        ClusterConfig.ReadsConfig r = config.reads();
        if (r == null) return ReadPolicy.DEFAULT;
        ReadPolicy d = ReadPolicy.DEFAULT;
        return new ReadPolicy(
                millis("reads.maxReplicaLagMs", r.maxReplicaLagMs(), d.maxReplicaLag(), problems),
                millis("reads.lagCheckIntervalMs", r.lagCheckIntervalMs(), d.lagCheckInterval(), problems),
                millis("reads.retryFailedReplicaAfterMs", r.retryFailedReplicaAfterMs(), d.retryFailedReplicaAfter(), problems),
                millis("reads.stickyAfterWriteMs", r.stickyAfterWriteMs(), d.stickyAfterWrite(), problems));
    }

    private static Duration millis(String p, Long value, Duration fallback, Problems problems) {
        if (value == null) return fallback;
        if (value < 0) {
            problems.add(p + ": must not be negative, was " + value + " — omit it for the default of "
                    + fallback.toMillis() + " ms");
            return fallback;
        }
        return Duration.ofMillis(value);
    }
}
