package io.shardkit.cluster;

import java.time.Duration;

/**
 * How reads use replicas, compiled from {@code reads:} in {@code shards.yml}.
 *
 * @param maxReplicaLag           a replica further behind its primary than this is skipped
 * @param lagCheckInterval        how often a background probe measures each replica's health, lag and replay position
 *                                (zero: every 10 ms); reads only look at the last result
 * @param retryFailedReplicaAfter how long a replica that failed is left alone before it is tried again
 * @param stickyAfterWrite        after a write in a {@link ShardSession}, its reads of that shard go to the primary
 *                                for this long; zero leaves read-your-writes to consistency tokens
 */
public record ReadPolicy(Duration maxReplicaLag, Duration lagCheckInterval, Duration retryFailedReplicaAfter,
                         Duration stickyAfterWrite) {
    public static final ReadPolicy DEFAULT = new ReadPolicy(Duration.ofSeconds(1), Duration.ofMillis(250),
            Duration.ofSeconds(5), Duration.ZERO);
}
