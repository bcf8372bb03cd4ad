package io.shardkit.cluster.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.shardkit.cluster.config.ClusterConfig.ShardConfig;
import io.shardkit.cluster.config.ClusterConfig.StrategyConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where keys go: the logical shards and their placements, the strategy, the key type and the pins — the part of a
 * {@link ClusterConfig} that a shared topology versions. Connection settings are not part of it: each instance keeps
 * its databases' URLs and credentials in its own configuration, so no secret is ever stored with the map.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ShardMap(List<ShardConfig> shards, StrategyConfig strategy, String keyType, Map<String, String> pins) {
    public ShardMap {
        shards = shards == null ? List.of() : List.copyOf(shards);
        pins = pins == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(pins));
    }

    /** The same map with {@code shard} placed on {@code database} (and {@code schema}, which may be null). */
    public ShardMap withPlacement(String shard, String database, String schema) {
        boolean found = false;
        List<ShardConfig> placed = new java.util.ArrayList<>();
        for (ShardConfig s : shards) {
            if (s.id().equals(shard)) {
                placed.add(new ShardConfig(s.id(), database, schema, s.weight()));
                found = true;
            } else {
                placed.add(s);
            }
        }
        if (!found) throw new IllegalArgumentException("no logical shard " + shard + " in this map — use one of " + ids());
        return new ShardMap(placed, strategy, keyType, pins);
    }

    /** The same map with {@code key} pinned to {@code shard}. */
    public ShardMap withPin(String key, String shard) {
        Map<String, String> pinned = new LinkedHashMap<>(pins);
        pinned.put(key, shard);
        return new ShardMap(shards, strategy, keyType, pinned);
    }

    /** The placement of {@code shard}, or null. */
    public ShardConfig shard(String shard) {
        return shards.stream().filter(s -> s.id().equals(shard)).findFirst().orElse(null);
    }

    private List<String> ids() {
        return shards.stream().map(ShardConfig::id).toList();
    }
}
