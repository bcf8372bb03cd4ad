package io.shardkit.migrate;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.shardkit.cluster.ShardCluster;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code shardkit.migration} (a timer per shard a command ran on: command, outcome), {@code shardkit.migration.shards}
 * (shards by state after the last command) and {@code shardkit.schema.versions} (distinct schema versions the last
 * command saw: more than 1 is drift). The gauges' values live per registry and cluster name, so every migrator of a
 * cluster updates the same series.
 */
final class MicrometerMigrationMeters implements MigrationMeters {
    /** The gauges' values of each registry, by cluster name; weak: a registry dropped takes its values along. */
    private static final Map<MeterRegistry, Map<String, FleetGauges>> GAUGES = Collections.synchronizedMap(new WeakHashMap<>());

    private final MeterRegistry registry;
    private final String cluster;
    private final FleetGauges gauges;

    private MicrometerMigrationMeters(MeterRegistry registry, String cluster) {
        this.registry = registry;
        this.cluster = cluster;
        synchronized (GAUGES) {
            this.gauges = GAUGES.computeIfAbsent(registry, r -> new java.util.HashMap<>())
                    .computeIfAbsent(cluster, c -> new FleetGauges(registry, c));
        }
    }

    static MigrationMeters of(ShardCluster cluster) {
        return new MicrometerMigrationMeters(cluster.meterRegistry().orElseThrow(), cluster.name());
    }

    @Override
    public void ended(FleetReport report) {
        String command = report.command().name().toLowerCase(Locale.ROOT);
        Map<ShardState, Long> byState = new EnumMap<>(ShardState.class);
        for (MigrationOutcome o : report.shards()) {
            byState.merge(o.state(), 1L, Long::sum);
            if (o.state() == ShardState.SKIPPED) continue; // did not run: nothing to time
            Timer.builder("shardkit.migration").description("A fleet command on one shard")
                    .tags("cluster", cluster, "command", command, "outcome", o.state().name().toLowerCase(Locale.ROOT))
                    .register(registry).record(o.duration());
        }
        for (ShardState state : ShardState.values()) gauges.shards.get(state).set(byState.getOrDefault(state, 0L));
        gauges.versions.set(report.shards().stream().filter(o -> o.state() != ShardState.SKIPPED)
                .map(MigrationOutcome::versionAfter).map(v -> v.orElse("")).distinct().count());
    }

    /** The values behind one cluster's gauges; held strongly by the registry's gauges. */
    private static final class FleetGauges {
        final Map<ShardState, AtomicLong> shards = new EnumMap<>(ShardState.class);
        final AtomicLong versions = new AtomicLong();

        FleetGauges(MeterRegistry registry, String cluster) {
            for (ShardState state : ShardState.values()) {
                AtomicLong value = new AtomicLong();
                shards.put(state, value);
                Gauge.builder("shardkit.migration.shards", value, AtomicLong::get)
                        .description("Shards in each state after the last fleet command")
                        .tags("cluster", cluster, "state", state.name().toLowerCase(Locale.ROOT))
                        .strongReference(true).register(registry);
            }
            Gauge.builder("shardkit.schema.versions", versions, AtomicLong::get)
                    .description("Distinct schema versions the last fleet command found (more than 1: drift)")
                    .tags("cluster", cluster).strongReference(true).register(registry);
        }
    }
}
