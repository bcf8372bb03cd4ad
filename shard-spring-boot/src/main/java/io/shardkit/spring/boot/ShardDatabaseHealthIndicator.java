package io.shardkit.spring.boot;

import io.shardkit.cluster.PoolStats;
import io.shardkit.cluster.ShardCluster;
import java.util.List;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * One database of the cluster: its pool's numbers, its shards, and whether the last probe got a connection. With
 * {@code shardkit.health.down-when=all} a down database reports {@code DEGRADED} (a status Spring Boot's default
 * order leaves out of the aggregate) until every database is down.
 */
final class ShardDatabaseHealthIndicator implements HealthIndicator {
    static final Status DEGRADED = new Status("DEGRADED", "this database is down, others are up");

    private final String database;
    private final ShardCluster cluster;
    private final ShardHealthMonitor monitor;
    private final ShardkitProperties.DownWhen downWhen;

    ShardDatabaseHealthIndicator(String database, ShardCluster cluster, ShardHealthMonitor monitor,
                                 ShardkitProperties.DownWhen downWhen) {
        this.database = database;
        this.cluster = cluster;
        this.monitor = monitor;
        this.downWhen = downWhen;
    }

    @Override
    public Health health() {
        ShardHealthMonitor.DatabaseState state = monitor.states().get(database);
        Health.Builder health = state == null ? Health.unknown().withDetail("problem", "not probed yet")
                : state.up() ? Health.up()
                : (downWhen == ShardkitProperties.DownWhen.ANY || monitor.allDown() ? Health.down() : Health.status(DEGRADED))
                        .withDetail("problem", state.problem());
        PoolStats pool = cluster.poolStats(database);
        health.withDetail("pool", Map.of("total", pool.total(), "active", pool.active(), "idle", pool.idle(),
                "waiting", pool.waiting(), "max", pool.maximumPoolSize()));
        List<String> shards = cluster.shards().stream().filter(s -> s.database().equals(database))
                .map(s -> s.id().value()).toList();
        health.withDetail("shards", shards);
        if (state != null) health.withDetail("checkedAt", state.checkedAt().toString());
        return health.build();
    }
}
