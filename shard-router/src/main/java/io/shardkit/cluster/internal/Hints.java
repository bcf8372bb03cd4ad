package io.shardkit.cluster.internal;

import io.shardkit.cluster.config.ClusterConfig.ShardConfig;
import io.shardkit.cluster.config.ClusterConfig;
import io.shardkit.router.ShardKeyType;
import java.util.List;
import java.util.Objects;

/** The remedies that problems in several sections share: what a key value looks like, which shards exist. */
public final class Hints {
    private Hints() {
    }

    /** A value of {@code keyType} as shards.yml writes it, e.g. "a whole number such as 1000". */
    public static String example(ShardKeyType keyType) {
        return switch (keyType) {
            case LONG -> "a whole number such as 1000";
            case STRING -> "any text";
            case UUID -> "a UUID such as 123e4567-e89b-12d3-a456-426614174000";
            case BYTES -> "hex digits such as 0a1b";
            case INSTANT -> "an ISO-8601 instant such as 2024-01-01T00:00:00Z";
        };
    }

    /** The shard ids {@code shards:} declares, each once, in declaration order. */
    public static List<String> shardIds(ClusterConfig config) {
        return config.shards().stream().filter(Objects::nonNull).map(ShardConfig::id).distinct().toList();
    }
}
