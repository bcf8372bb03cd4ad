package io.shardkit.cluster.internal;

import io.shardkit.cluster.config.ClusterConfig;

/**
 * The {@code migrations:} section. Only shard-migrate reads it; it is checked here so that a bad section fails at
 * start-up like every other.
 */
final class MigrationsSection {
    private MigrationsSection() {
    }

    static void check(ClusterConfig config, Problems problems) {
        ClusterConfig.MigrationsConfig m = config.migrations();
        if (m == null) return;
        for (int i = 0; i < m.locations().size(); i++) {
            if (m.locations().get(i).isBlank()) {
                problems.add("migrations.locations[" + i + "]: empty — write a Flyway location, e.g. filesystem:db/migration");
            }
        }
    }
}
