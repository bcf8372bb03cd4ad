package io.shardkit.cluster.atomic;

import io.shardkit.router.ShardException;

/**
 * An atomic transaction was rolled back on every shard although its work returned: a participant could not prepare,
 * or the deciding database did not commit. Nothing of it is committed anywhere; it may be retried.
 */
public final class RolledBackException extends ShardException {
    private final String transactionId;

    RolledBackException(String transactionId, String message, Throwable cause) {
        super(Code.DATABASE, message, cause);
        this.transactionId = transactionId;
    }

    public String transactionId() {
        return transactionId;
    }
}
