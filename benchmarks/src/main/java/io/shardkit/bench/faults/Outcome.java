package io.shardkit.bench.faults;

import io.shardkit.router.ShardException;
import io.shardkit.router.ShardId;

/** How one call ended, as the fault suite counts it. */
enum Outcome {
    OK,
    /** Shardkit's own exception, naming the call's shard. */
    SHARD_ERROR,
    /** Shardkit's exception, but it does not name the shard the call was routed to. */
    UNNAMED_SHARD,
    /** Not Shardkit's exception: a driver's, jOOQ's or HikariCP's leaked through. */
    FOREIGN_ERROR;

    static Outcome of(Throwable error, ShardId shard) {
        if (error instanceof ShardException e) {
            return e.getMessage() != null && e.getMessage().contains("[shard " + shard + "]") ? SHARD_ERROR : UNNAMED_SHARD;
        }
        return FOREIGN_ERROR;
    }

    /** The key errors are counted under: the exception's type, and its code for Shardkit's. */
    static String errorType(Throwable error) {
        return error instanceof ShardException e ? "ShardException/" + e.code() : error.getClass().getSimpleName();
    }
}
