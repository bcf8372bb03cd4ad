/**
 * Fan-out queries: {@link io.shardkit.query.FanOut} runs one jOOQ {@code Select} on many shards in parallel and merges
 * the answers into exactly what one database holding all the rows would return — streamed (ORDER BY, LIMIT) or
 * finished by one shard's database over the partial rows (GROUP BY, HAVING, DISTINCT, UNION) — or refuses the query
 * with {@link io.shardkit.query.UnsupportedFanOutException} naming the construct, before any shard runs. Per-shard
 * deadlines cancel late statements on the server; {@link io.shardkit.query.FailurePolicy} decides what one shard's
 * failure does to the rest; {@link io.shardkit.query.FanOutQuery#fetchPage} pages with keyset cursors.
 */
package io.shardkit.query;
