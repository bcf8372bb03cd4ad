/**
 * The fan-out planner, and the only code that reads jOOQ's (experimental) query object model. Not API: its types
 * are public only for {@code io.shardkit.query}.
 *
 * <p>{@link io.shardkit.query.planner.SelectReader} walks every clause, expression and condition of a query and
 * accepts it only when each part is on the allowlist for its position; {@link io.shardkit.query.planner.QueryShape}
 * says how the shards' answers merge; {@link io.shardkit.query.planner.ShardQueries} writes each shard's query and
 * {@link io.shardkit.query.planner.FinalQuery} the query a database runs over the partial rows;
 * {@link io.shardkit.query.planner.DialectRules} refuses what one kind of database computes its own way.
 */
package io.shardkit.query.planner;
