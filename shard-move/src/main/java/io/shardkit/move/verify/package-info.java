/**
 * Verifying a moved shard: {@link io.shardkit.move.verify.ChunkedDiff} compares tables by counts and hashes computed
 * in SQL per primary-key chunk, narrowing a differing chunk down to its rows and saving its place in a
 * {@link io.shardkit.move.verify.VerifyProgress}; {@link io.shardkit.move.verify.ShardDiff} reads every row and
 * compares in Java. Both report every differing key in a {@link io.shardkit.move.verify.DiffReport}.
 */
package io.shardkit.move.verify;
