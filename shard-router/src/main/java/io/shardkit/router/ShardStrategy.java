package io.shardkit.router;

import java.util.List;

/**
 * Maps a shard key to a logical shard. Implementations are immutable and thread-safe, and their single-key
 * paths allocate nothing. Keys reach a strategy already checked: never null, always a supported type.
 */
public interface ShardStrategy {

    /** The shard of a {@code long} (or widened {@code int}) key: the allocation-free fast path. */
    ShardId shardFor(long key);

    /** The shard of any supported key. */
    ShardId shardFor(Object key);

    /** Every shard this strategy can return, in declaration order. */
    List<ShardId> shards();

    /** A short description for logs and errors, e.g. {@code consistent-hash(murmur3, 512 vnodes, 16 shards)}. */
    String describe();
}
