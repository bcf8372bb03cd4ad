/**
 * Flyway on every logical shard: {@link io.shardkit.migrate.ShardMigrator} ({@code ShardMigrator.configure()
 * .cluster(cluster).load().migrate()}) runs canary shards first, then the rest with bounded concurrency, and returns
 * a {@link io.shardkit.migrate.FleetReport} with one {@link io.shardkit.migrate.MigrationOutcome} per shard: its
 * state, versions before and after, what was applied, and schema drift across the fleet.
 * {@link io.shardkit.migrate.OnError} decides whether a failure stops the run; {@code FleetReport.orThrow()} turns
 * a failed run into an exception. The {@code shard-migrate} command line is built on the same calls.
 */
package io.shardkit.migrate;
