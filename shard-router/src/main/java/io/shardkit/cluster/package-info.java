/**
 * The cluster at run time: {@link io.shardkit.cluster.ShardCluster} owns one HikariCP pool per physical database
 * (and per read replica) and a jOOQ context per logical shard, and routes each call by its key. Start here:
 * {@code ShardCluster.fromYaml(path)} or {@code ShardCluster.builder()}, then {@code dsl(key)},
 * {@code inTransaction(key, work)}, {@code repository(type, factory)} for interfaces whose methods carry a
 * {@link io.shardkit.cluster.ShardKey}, and {@link io.shardkit.cluster.ShardSession} for read-your-writes on
 * replicas ({@link io.shardkit.cluster.ConsistencyToken} carries it across requests). {@code reconfigure} swaps the
 * topology while in-flight work finishes on the pools it started on.
 */
package io.shardkit.cluster;
