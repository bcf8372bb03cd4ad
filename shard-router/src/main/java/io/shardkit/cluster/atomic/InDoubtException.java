package io.shardkit.cluster.atomic;

import io.shardkit.router.ShardException;

/**
 * The commit point of an atomic transaction was ambiguous — the deciding database's COMMIT lost its connection — and
 * its outcome could not be settled yet: the transaction is committed on every shard or on none, and recovery
 * ({@link AtomicTransactions#recoverNow()}, from any instance) finishes it. Retry only after finding out which, by
 * {@link #transactionId()}.
 */
public final class InDoubtException extends ShardException {
    private final String transactionId;

    InDoubtException(String transactionId, String message, Throwable cause) {
        super(Code.IN_DOUBT, message, cause);
        this.transactionId = transactionId;
    }

    public String transactionId() {
        return transactionId;
    }
}
