package io.shardkit.spring.boot;

import io.shardkit.cluster.HotKeys;
import io.shardkit.cluster.PoolStats;
import io.shardkit.cluster.Shard;
import io.shardkit.cluster.ShardCluster;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/** {@code /actuator/shardkit}: the topology the instance runs, its shards per database, schema versions, pools. */
@Endpoint(id = "shardkit")
public class ShardkitEndpoint {
    private final ShardCluster cluster;
    private final ShardSchemaVersions schemaVersions; // null without shard-migrate

    ShardkitEndpoint(ShardCluster cluster, ShardSchemaVersions schemaVersions) {
        this.cluster = cluster;
        this.schemaVersions = schemaVersions;
    }

    /**
     * @param topologyVersion the shared shard map's version this instance runs; 0 for a static topology
     * @param router          the strategy and pins, as the router describes itself
     * @param databases       each database's shards and pool, in the cluster's order
     * @param shards          each logical shard, in the cluster's order
     * @param hotKeys         the most routed keys, each shard's load and the imbalance ({@code enabled} false unless
     *                        {@code shardkit.hot-keys.enabled})
     */
    public record Description(long topologyVersion, String router, Map<String, DatabaseView> databases,
                              List<ShardView> shards, HotKeys hotKeys) {
    }

    /** A database: the logical shards on it, its primary pool's numbers and its replicas as the probes last saw them. */
    public record DatabaseView(List<String> shards, PoolStats pool, List<io.shardkit.cluster.ReplicaStatus> replicas) {
    }

    /**
     * A logical shard; {@code schema} is empty when the shard has the database to itself, {@code schemaVersion}
     * ({@code V3}, or {@code empty} without a history) is absent without shard-migrate on the class path.
     */
    public record ShardView(String id, String database, String schema, String dialect, String schemaVersion) {
    }

    @ReadOperation
    public Description describe() {
        Map<String, String> versions = schemaVersions == null ? Map.of() : schemaVersions.of(cluster);
        Map<String, List<String>> shardsByDatabase = new LinkedHashMap<>();
        List<ShardView> shards = new ArrayList<>();
        for (Shard s : cluster.shards()) {
            shardsByDatabase.computeIfAbsent(s.database(), d -> new ArrayList<>()).add(s.id().value());
            shards.add(new ShardView(s.id().value(), s.database(), s.schema().orElse(""), s.dialect().name(),
                    versions.get(s.id().value())));
        }
        Map<String, DatabaseView> databases = new LinkedHashMap<>();
        shardsByDatabase.forEach((d, ids) -> databases.put(d, new DatabaseView(List.copyOf(ids), cluster.poolStats(d),
                cluster.replicaStatus(d))));
        return new Description(cluster.topologyVersion(), cluster.router().toString(), databases, List.copyOf(shards),
                cluster.hotKeys());
    }
}
