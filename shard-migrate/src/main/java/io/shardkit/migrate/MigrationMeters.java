package io.shardkit.migrate;

import io.shardkit.cluster.ShardCluster;

/**
 * What a fleet command reports to its cluster's meter registry; {@link #NONE} without a cluster or registry, so the
 * module runs without Micrometer on the class path. {@link MicrometerMigrationMeters} alone names Micrometer.
 */
interface MigrationMeters {
    MigrationMeters NONE = report -> { };

    static MigrationMeters of(ShardCluster cluster) {
        return cluster == null || cluster.meterRegistry().isEmpty() ? NONE : MicrometerMigrationMeters.of(cluster);
    }

    void ended(FleetReport report);
}
