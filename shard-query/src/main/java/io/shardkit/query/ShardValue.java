package io.shardkit.query;

import io.shardkit.router.ShardId;

/** What {@link FanOut#forEachShard} computed on one shard. */
public record ShardValue<T>(ShardId shard, T value) {
}
