package io.shardkit.migrate;

import io.shardkit.router.ShardId;
import java.util.Objects;

/**
 * A shard whose schema history disagrees with the rest of the fleet: a migration applied with another checksum,
 * name or type than on the other shards, or missing below versions that are applied. A shard that is merely
 * behind (its history a prefix of the others') is not drift.
 *
 * @param shard   the shard that differs
 * @param version the first version at which it differs
 * @param detail  what differs, e.g. {@code "checksum 1234 here, 5678 on 15 other shards"}
 */
public record HistoryDrift(ShardId shard, String version, String detail) {
    public HistoryDrift {
        Objects.requireNonNull(shard, "shard");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(detail, "detail");
    }

    @Override
    public String toString() {
        return "[shard " + shard + "] V" + version + ": " + detail;
    }
}
