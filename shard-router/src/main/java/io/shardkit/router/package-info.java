/**
 * The routing contract, pure and frozen: a shard key ({@link io.shardkit.router.ShardKeyType}) is hashed
 * ({@link io.shardkit.router.KeyHash}) and mapped by a {@link io.shardkit.router.ShardStrategy} — range, modulo,
 * consistent-hash ring, jump hash or embedded id — to a logical {@link io.shardkit.router.ShardId}, after
 * {@link io.shardkit.router.DirectoryPins} have had their say; {@link io.shardkit.router.ShardRouter} puts them
 * together. {@link io.shardkit.router.RowIdGenerator} makes 64-bit row ids that carry their shard, read back by
 * {@link io.shardkit.router.RowIds}. No JDBC here: placement is data that lives in databases, so every mapping is
 * pinned by golden tables and never changes. Failures are {@link io.shardkit.router.ShardException}s with a code.
 */
package io.shardkit.router;
