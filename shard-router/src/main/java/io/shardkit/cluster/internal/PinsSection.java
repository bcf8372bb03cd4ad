package io.shardkit.cluster.internal;

import io.shardkit.cluster.config.ClusterConfig;
import io.shardkit.router.DirectoryPins;
import io.shardkit.router.ShardException;
import io.shardkit.router.ShardId;
import io.shardkit.router.ShardKeyType;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code pins:} section: keys routed to a named shard before the strategy is asked, read as {@code keyType}. */
final class PinsSection {
    private PinsSection() {
    }

    /** The pins to declared {@code shards}; none when the section is absent or cannot be read. */
    static DirectoryPins read(ClusterConfig config, Collection<ShardId> shards, ShardKeyType keyType, Problems problems) {
        if (config.pins().isEmpty()) return DirectoryPins.none();
        if (keyType == null) {
            if (config.keyType() != null) return DirectoryPins.none(); // an unknown keyType is already reported
            problems.add("keyType: required when pins are declared, so that pin keys are read as the type the "
                    + "service routes by (e.g. long 42 vs string \"42\") — set long, string, uuid or bytes");
            return DirectoryPins.none();
        }
        Map<Object, ShardId> pins = new LinkedHashMap<>();
        config.pins().forEach((key, shard) -> {
            String p = "pins." + key;
            ShardId target = shard == null ? null : shards.stream()
                    .filter(id -> id.value().equals(shard)).findFirst().orElse(null);
            if (target == null) {
                problems.add(p + ": pinned to unknown shard '" + shard + "' — declared shards: " + Hints.shardIds(config));
                return;
            }
            Object parsed;
            try {
                parsed = keyType.parseKey(key);
            } catch (RuntimeException e) {
                problems.add(p + ": '" + key + "' is not " + keyType.withArticle() + " key (keyType) — write "
                        + Hints.example(keyType) + ", or change keyType");
                return;
            }
            ShardId earlier = pins.put(parsed, target);
            if (earlier != null && !earlier.equals(target)) {
                problems.add(p + ": the same " + keyType.configName() + " key as an earlier pin to '" + earlier
                        + "' — keep one pin for it");
            }
        });
        try {
            return DirectoryPins.of(pins);
        } catch (ShardException e) { // two spellings of one key ("42" and "042") pinned to different shards
            problems.add("pins: " + e.getMessage());
            return DirectoryPins.none();
        }
    }
}
