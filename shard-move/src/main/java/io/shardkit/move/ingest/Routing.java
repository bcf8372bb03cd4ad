package io.shardkit.move.ingest;

import io.shardkit.cluster.config.ClusterConfig;
import io.shardkit.cluster.config.ClusterConfig.ShardConfig;
import io.shardkit.cluster.config.ShardMap;
import io.shardkit.cluster.topology.TopologyVersion;
import io.shardkit.move.MoveReport.Place;
import io.shardkit.router.ShardId;
import io.shardkit.router.ShardKeyType;
import io.shardkit.router.ShardRouter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One topology version's router, as every instance running that version routes (pins, strategy, key type), and where
 * each logical shard lives in it. Built from the configuration with the version's map; opens nothing.
 */
final class Routing {
    private final long version;
    private final ShardRouter router;
    private final ShardKeyType keyType; // null: the cluster declares none
    private final Map<ShardId, Place> places;

    private Routing(long version, ShardRouter router, ShardKeyType keyType, Map<ShardId, Place> places) {
        this.version = version;
        this.router = router;
        this.keyType = keyType;
        this.places = places;
    }

    static Routing of(ClusterConfig config, TopologyVersion v) {
        ShardMap map = v.map();
        ShardRouter router = config.withShardMap(map).router();
        Map<ShardId, Place> places = new LinkedHashMap<>();
        for (ShardConfig s : map.shards()) places.put(ShardId.of(s.id()), new Place(s.database(), s.schema()));
        return new Routing(v.version(), router, map.keyType() == null ? null : ShardKeyType.parse(map.keyType()), places);
    }

    long version() {
        return version;
    }

    /** The shard of a key column's value as the database returned it. */
    ShardId shardOf(Object value, String table, String column) {
        return router.shardFor(KeyValues.key(value, keyType, table, column));
    }

    Place place(ShardId shard) {
        return places.get(shard);
    }

    /** Every database and schema holding a shard, each once. */
    List<Place> places() {
        return new ArrayList<>(new java.util.LinkedHashSet<>(places.values()));
    }

    List<ShardId> shards() {
        return List.copyOf(places.keySet());
    }

    /** The shards at {@code place}, joined by {@code +} ({@code s0}, or {@code s0+s1} where two share it). */
    String label(Place place) {
        return String.join("+", places.entrySet().stream().filter(e -> e.getValue().equals(place))
                .map(e -> e.getKey().value()).toList());
    }
}
