package io.shardkit.cluster.internal;

import io.shardkit.cluster.config.ClusterConfig.PoolConfig;

/** The {@code pool:} settings of a database or replica, checked against what HikariCP accepts. */
final class PoolSettings {
    private PoolSettings() {
    }

    /** Adds a problem for each setting out of bounds; {@code p} is the pool's property path. */
    static void check(String p, PoolConfig pool, Problems problems) {
        if (pool == null) return;
        if (pool.maximumPoolSize() != null && pool.maximumPoolSize() < 1) {
            problems.add(p + ".maximumPoolSize: must be at least 1, was " + pool.maximumPoolSize());
        }
        if (pool.minimumIdle() != null && pool.minimumIdle() < 0) {
            problems.add(p + ".minimumIdle: must not be negative, was " + pool.minimumIdle());
        }
        if (pool.minimumIdle() != null && pool.maximumPoolSize() != null && pool.minimumIdle() > pool.maximumPoolSize()) {
            problems.add(p + ".minimumIdle: " + pool.minimumIdle() + " exceeds maximumPoolSize " + pool.maximumPoolSize()
                    + " — lower minimumIdle or raise maximumPoolSize");
        }
        if (pool.connectionTimeoutMs() != null && pool.connectionTimeoutMs() < 250) {
            problems.add(p + ".connectionTimeoutMs: must be at least 250 (HikariCP's minimum), was " + pool.connectionTimeoutMs());
        }
        if (pool.statementTimeoutMs() != null && pool.statementTimeoutMs() < 1) {
            problems.add(p + ".statementTimeoutMs: must be at least 1 (leave it out for no limit), was "
                    + pool.statementTimeoutMs());
        }
    }
}
