package io.shardkit.cluster;

import io.shardkit.router.ShardException;
import io.shardkit.router.ShardId;

/**
 * A write refused by a moving shard's fence: the database raised {@link #SQLSTATE} and applied nothing of the
 * statement (in a transaction, nothing of the transaction once it is rolled back). It is safe to retry; by the time
 * this is thrown the instance has waited (up to the topology's pause budget) for the version that moves the data, so a
 * retry goes to the new place. Repository calls outside a transaction are retried once by Shardkit itself.
 */
public final class ShardMovedException extends ShardException {
    /** The SQLSTATE a fence raises (a class of Shardkit's own: no database uses {@code SK}). */
    public static final String SQLSTATE = "SKM01";

    private final ShardId shard;
    private final boolean newVersion;

    ShardMovedException(ShardId shard, String message, boolean newVersion, Throwable cause) {
        super(Code.MOVED, message, cause);
        this.shard = shard;
        this.newVersion = newVersion;
    }

    /** The logical shard the write was routed to. */
    public ShardId shard() {
        return shard;
    }

    /** Whether this instance already runs the topology version that moved the data (so a retry now goes there). */
    public boolean newVersionRunning() {
        return newVersion;
    }
}
