/**
 * The description of a cluster as data: {@link io.shardkit.cluster.config.ClusterConfig} and its sections, read
 * from {@code shards.yml} by {@link io.shardkit.cluster.config.ShardsYaml} (with {@code ${ENV}} substitution) or
 * assembled by {@code ShardCluster.builder()}. {@link io.shardkit.cluster.config.ClusterConfig#validate()} checks
 * it as a whole without connecting; every problem is reported at once in a
 * {@link io.shardkit.cluster.config.ShardConfigException}, each naming its property. Passwords never appear in
 * messages or {@code toString}.
 */
package io.shardkit.cluster.config;
