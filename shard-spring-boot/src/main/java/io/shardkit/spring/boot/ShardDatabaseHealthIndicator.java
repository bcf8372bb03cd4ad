package io.shardkit.spring.boot;

import io.shardkit.cluster.PoolStats;
import io.shardkit.cluster.ReplicaStatus;
import io.shardkit.cluster.ShardCluster;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * One database of the cluster: its pool's numbers, its shards, whether the last probe got a connection from its
 * primary, and each read replica ({@code replicas}: usable or the reason reads skip it, lag, pool). With
 * {@code shardkit.health.down-when=all} a down database reports {@code DEGRADED} (a status Spring Boot's default
 * order leaves out of the aggregate) until every database is down.
 *
 * <p>The status is the primary's alone: a replica that is down, lagging or not yet probed never makes its database
 * DOWN, because reads then go to the primary and nothing fails; it shows {@code usable: false} and its
 * {@code skipReason} ({@code not-probed}, {@code down}, {@code lagging}, {@code stale-probe}, as the {@code reason}
 * tag of {@code shardkit.replica.skipped}). Alert on those, or on that meter, to see reads piling onto a primary.
 * Replica states come from the cluster's own background probes (every
 * {@code shardkit.reads.lag-check-interval-ms}); a health request only reads them.
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
        health.withDetail("pool", poolDetails(pool));
        List<String> shards = cluster.shards().stream().filter(s -> s.database().equals(database))
                .map(s -> s.id().value()).toList();
        health.withDetail("shards", shards);
        List<ReplicaStatus> replicas = cluster.replicaStatus(database);
        if (!replicas.isEmpty()) {
            Map<String, Object> byName = new LinkedHashMap<>();
            for (ReplicaStatus r : replicas) byName.put(r.name(), replicaDetails(r));
            health.withDetail("replicas", byName);
        }
        if (state != null) health.withDetail("checkedAt", state.checkedAt().toString());
        return health.build();
    }

    /** In a fixed order: usable, skipReason (only when not), lagMs and lagBytes (only when measured), pool. */
    private static Map<String, Object> replicaDetails(ReplicaStatus r) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("usable", r.usable());
        r.skipReason().ifPresent(why -> details.put("skipReason", why));
        r.lag().ifPresent(lag -> details.put("lagMs", lag.toMillis()));
        r.lagBytes().ifPresent(bytes -> details.put("lagBytes", bytes));
        details.put("pool", poolDetails(r.pool()));
        return details;
    }

    private static Map<String, Object> poolDetails(PoolStats pool) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("total", pool.total());
        details.put("active", pool.active());
        details.put("idle", pool.idle());
        details.put("waiting", pool.waiting());
        details.put("max", pool.maximumPoolSize());
        return details;
    }
}
