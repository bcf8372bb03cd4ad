package io.shardkit.cluster.topology;

import io.shardkit.cluster.config.ShardMap;
import java.time.Instant;

/**
 * One version of the shared shard map: versions are numbered from 1 and never change once published.
 *
 * @param reason what published it ("bootstrap", "move s3 to db4 (job 7)")
 */
public record TopologyVersion(long version, ShardMap map, String reason, Instant publishedAt) {
}
