package io.shardkit.query;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.shardkit.cluster.Shard;
import io.shardkit.cluster.ShardCluster;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * {@code shardkit.fanout} (a timer per fan-out: outcome, failure policy), {@code shardkit.fanout.shards} (shards
 * visited) and {@code shardkit.fanout.leg} (a timer per shard leg: database, outcome), tagged with the cluster's name.
 * Loaded only when the cluster has a registry.
 */
final class MicrometerFanOutMeters implements FanOutMeters {
    private final MeterRegistry registry;
    private final String cluster;

    private MicrometerFanOutMeters(MeterRegistry registry, String cluster) {
        this.registry = registry;
        this.cluster = cluster;
    }

    static FanOutMeters of(ShardCluster cluster) {
        return new MicrometerFanOutMeters(cluster.meterRegistry().orElseThrow(), cluster.name());
    }

    @Override
    public void ended(FailurePolicy policy, long startedNanos, List<Shard> shards, List<QueryOutcome> outcomes,
                      Throwable failure) {
        long nanos = System.nanoTime() - startedNanos;
        boolean shardFailed = outcomes.stream().anyMatch(o -> o.status() == QueryOutcome.Status.FAILED
                || o.status() == QueryOutcome.Status.TIMED_OUT);
        String outcome = failure != null || (shardFailed && policy == FailurePolicy.FAIL_FAST) ? "error"
                : shardFailed ? "partial" : "success";
        Timer.builder("shardkit.fanout").description("Fan-outs, from their start to the last shard's end")
                .tags("cluster", cluster, "policy", policy.name().toLowerCase(Locale.ROOT), "outcome", outcome)
                .register(registry).record(nanos, TimeUnit.NANOSECONDS);
        DistributionSummary.builder("shardkit.fanout.shards").description("Shards a fan-out visited")
                .baseUnit("shards").tags("cluster", cluster).register(registry).record(shards.size());
        for (int i = 0; i < outcomes.size() && i < shards.size(); i++) {
            QueryOutcome o = outcomes.get(i);
            Timer.builder("shardkit.fanout.leg").description("One shard's part of a fan-out")
                    .tags("cluster", cluster, "database", shards.get(i).database(), "outcome", leg(o.status()))
                    .register(registry).record(o.time());
        }
    }

    private static String leg(QueryOutcome.Status status) {
        return switch (status) {
            case OK -> "success";
            case FAILED -> "error";
            case TIMED_OUT -> "timeout";
            case CANCELLED -> "cancelled";
        };
    }
}
