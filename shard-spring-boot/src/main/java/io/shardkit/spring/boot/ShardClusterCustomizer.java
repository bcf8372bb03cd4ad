package io.shardkit.spring.boot;

import io.shardkit.cluster.ShardClusterBuilder;

/**
 * Changes the auto-configured cluster before it starts, after the configuration is read: a bean of this type is
 * applied in order. The starter's own gives the cluster the application's {@code MeterRegistry}.
 */
@FunctionalInterface
public interface ShardClusterCustomizer {
    void customize(ShardClusterBuilder builder);
}
