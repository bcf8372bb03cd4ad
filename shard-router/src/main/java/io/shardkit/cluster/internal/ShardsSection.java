package io.shardkit.cluster.internal;

import io.shardkit.cluster.config.ClusterConfig.ShardConfig;
import io.shardkit.cluster.config.ClusterConfig;
import io.shardkit.cluster.internal.ClusterPlan.Placement;
import io.shardkit.router.ShardException;
import io.shardkit.router.ShardId;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The {@code shards:} section: each logical shard's id and placement (database, schema); weights are the strategy's. */
final class ShardsSection {
    private ShardsSection() {
    }

    /** The placements by shard, in declaration order; a shard with a problem in its id or database is left out. */
    static Map<ShardId, Placement> read(ClusterConfig config, Problems problems) {
        Map<ShardId, Placement> out = new LinkedHashMap<>();
        Map<String, ShardId> locations = new HashMap<>(); // database/schema → the shard already there
        if (config.shards().isEmpty()) {
            problems.add("shards: none declared — declare at least one, e.g. - { id: s0, database: db0 }");
        }
        for (int i = 0; i < config.shards().size(); i++) {
            ShardConfig s = config.shards().get(i);
            String p = "shards[" + i + "]";
            if (s == null || s.id() == null || s.id().isBlank()) {
                problems.add(p + ".id: missing — every shard needs an id, e.g. s0");
                continue;
            }
            ShardId id;
            try {
                id = ShardId.of(s.id());
            } catch (ShardException e) {
                problems.add(p + ".id: " + e.getMessage());
                continue;
            }
            if (out.containsKey(id)) {
                problems.add(p + ".id: duplicate shard id '" + id + "' — each logical shard needs its own id");
                continue;
            }
            if (s.database() == null) {
                problems.add(p + ".database: missing — name one of the databases: " + config.databases().keySet());
                continue;
            }
            if (!config.databases().containsKey(s.database())) {
                problems.add(p + ".database: unknown database '" + s.database() + "' — declared databases: "
                        + config.databases().keySet());
                continue;
            }
            if (s.weight() != null && s.weight() <= 0) {
                problems.add(p + ".weight: must be positive, was " + s.weight() + " — omit it for the default weight 1");
            }
            if (s.schema() != null && s.schema().isBlank()) {
                problems.add(p + ".schema: blank — omit it or name a schema");
            }
            String location = s.database() + "/" + (s.schema() == null ? "" : s.schema().toLowerCase(Locale.ROOT));
            ShardId other = locations.putIfAbsent(location, id);
            if (other != null) {
                problems.add(p + ": shards '" + other + "' and '" + id + "' are both on database '" + s.database()
                        + "'" + (s.schema() == null ? " with no schema" : " in schema '" + s.schema() + "'")
                        + " — their rows would mix; give each a schema of its own");
            }
            out.put(id, new Placement(id, s.database(), s.schema()));
        }
        return out;
    }
}
