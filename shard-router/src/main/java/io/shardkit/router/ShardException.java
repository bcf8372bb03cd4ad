package io.shardkit.router;

import java.util.Objects;

/**
 * The one unchecked exception family of Shardkit. Messages read
 * {@code "[shard s3] what failed (numbers, state) — what to do"}; the SQL cause, when there is one, is kept.
 */
public class ShardException extends RuntimeException {

    /** What kind of failure this is, so callers can branch without parsing messages. */
    public enum Code {
        /** The cluster description is invalid; nothing was started. */
        CONFIG,
        /** A shard key is null, of an unsupported type, or outside every range; or a shard number is out of range. */
        KEY,
        /** A database could not be reached or failed a statement. */
        DATABASE,
        /** The cluster was used after {@code ShardCluster.close()}. */
        CLOSED,
        /**
         * A {@link RowIdGenerator} cannot issue an id now: the clock stepped back further or longer than it may
         * wait, reads outside the ids' time range, or the waiting thread was interrupted. No id was issued.
         */
        CLOCK,
        /**
         * A fleet migration left shards failed, skipped or invalid; the exception carries the report (see
         * {@code io.shardkit.migrate.FleetReport#orThrow()}).
         */
        MIGRATION,
        /** A query a fan-out cannot answer exactly, refused before any shard ran it (or before a merge stored a value). */
        UNSUPPORTED,
        /** A shard did not finish within its deadline; its statement was cancelled on the server. */
        TIMEOUT,
        /** The calling thread was interrupted while it waited; the work was stopped and its connections returned. */
        INTERRUPTED,
        /**
         * The shard (or tenant) a write was for is moving: the database's fence refused the write, nothing of it was
         * applied. Retry it: the retry goes where the next topology version puts the data.
         */
        MOVED,
        /**
         * An atomic transaction's commit point was ambiguous and not settled yet: it is committed on every shard or on
         * none, and recovery finishes it ({@code io.shardkit.cluster.atomic.InDoubtException}).
         */
        IN_DOUBT
    }

    private final Code code;

    public ShardException(Code code, String message) {
        this(code, message, null);
    }

    public ShardException(Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    public Code code() {
        return code;
    }
}
