package io.shardkit.cluster.topology;

import java.time.Instant;

/** An instance's last report of the topology version it runs, and when it said so. */
public record InstanceVersion(String instance, long version, Instant seenAt) {
}
