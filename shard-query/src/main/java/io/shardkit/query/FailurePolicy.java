package io.shardkit.query;

/** What a fan-out does when a shard fails or misses its deadline. */
public enum FailurePolicy {
    /** The first failure cancels every other shard and throws {@link FanOutException} naming the shard and cause. */
    FAIL_FAST,
    /** Rows from the shards that answered, and an outcome per shard; {@link FanOutResult#orThrow()} converts. */
    PARTIAL
}
