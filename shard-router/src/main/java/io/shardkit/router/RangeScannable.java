package io.shardkit.router;

import java.util.List;

/**
 * A capability of a {@link ShardStrategy} that keeps keys in order, so that a query over a key range needs only the
 * shards that can hold a key in it. Callers test for it ({@code strategy instanceof RangeScannable}) instead of
 * for a concrete strategy; a hashing strategy scatters neighbouring keys and does not implement it.
 */
public interface RangeScannable {

    /**
     * The shards that can hold a key in {@code [from, to]} (both inclusive), in key order, each once. Pins are
     * not consulted: a caller that routes through a {@link ShardRouter} adds its pins' targets.
     *
     * @throws ShardException ({@link ShardException.Code#KEY}) when a bound is not of the strategy's key type
     */
    List<ShardId> shardsOverlapping(Object from, Object to);
}
