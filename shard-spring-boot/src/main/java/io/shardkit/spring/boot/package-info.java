/**
 * Spring Boot auto-configuration for Shardkit: a {@link io.shardkit.cluster.ShardCluster} bean from
 * {@code shardkit.*} properties (the shape of {@code shards.yml}) or from {@code shardkit.config-location}, sharded
 * repositories as beans ({@link io.shardkit.spring.boot.ShardedRepository}), migrations on start-up through
 * {@code ShardMigrator}, a health contributor and an actuator endpoint, each optional on its library being present.
 *
 * <p>No {@code DataSource}, {@code DSLContext} or {@code Flyway} bean is ever registered for a shard: any of them
 * would make Spring Boot run its own Flyway or jOOQ configuration against a shard, or switch the application's off.
 */
package io.shardkit.spring.boot;
