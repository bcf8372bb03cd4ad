package io.shardkit.query;

import io.shardkit.cluster.Shard;
import io.shardkit.cluster.ShardCluster;
import java.util.List;

/**
 * What a fan-out reports to the cluster's meter registry; {@link #NONE} when the cluster has none, so the module runs
 * without Micrometer on the class path. {@link MicrometerFanOutMeters} alone names Micrometer.
 */
interface FanOutMeters {
    FanOutMeters NONE = (policy, startedNanos, shards, outcomes, failure) -> { };

    static FanOutMeters of(ShardCluster cluster) {
        return cluster.meterRegistry().isPresent() ? MicrometerFanOutMeters.of(cluster) : NONE;
    }

    /**
     * One fan-out that ended: its time since {@code startedNanos}, the shards it visited and each one's leg.
     *
     * @param outcomes each shard's outcome, in {@code shards} order
     * @param failure  what the fan-out threw, or null
     */
    void ended(FailurePolicy policy, long startedNanos, List<Shard> shards, List<QueryOutcome> outcomes, Throwable failure);
}
