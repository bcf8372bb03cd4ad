package io.shardkit.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.shardkit.cluster.config.ClusterConfig.DatabaseConfig;
import io.shardkit.cluster.config.ClusterConfig.PoolConfig;
import io.shardkit.test.TestDatabase;
import java.util.List;

/**
 * The one HikariCP configuration of {@link PointQueryBenchmark}: every system gets a pool of
 * {@value #MAXIMUM_POOL_SIZE} per database, everything else at HikariCP's defaults (minimumIdle = maximum, autocommit).
 * Shardkit opens its own pools, so it gets the same numbers as a {@link PoolConfig}.
 */
final class PoolSettings {
    static final int MAXIMUM_POOL_SIZE = 8;

    private PoolSettings() {
    }

    static HikariDataSource open(String poolName, TestDatabase db) {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName(poolName);
        hc.setJdbcUrl(db.jdbcUrl());
        hc.setUsername(db.username());
        hc.setPassword(db.password());
        hc.setMaximumPoolSize(MAXIMUM_POOL_SIZE);
        return new HikariDataSource(hc);
    }

    static DatabaseConfig shardkit(TestDatabase db) {
        return new DatabaseConfig(db.jdbcUrl(), db.username(), db.password(), null,
                new PoolConfig(MAXIMUM_POOL_SIZE, null, null, null, null), List.of());
    }
}
