package io.shardkit.query;

import java.sql.Connection;

/** What a shard task does with its connection: stream a query into its buffer, or run the caller's work. */
interface ShardJob {

    /** Runs on {@code conn}, which the task holds; true when it completed (every row read, or the work answered). */
    boolean run(Connection conn) throws Exception;

    /**
     * Ends what {@link #run} left open on the connection, whatever happened (also when it never ran): called once
     * no stop request reaches the task any more, before the connection goes back to its pool.
     */
    void finish(boolean complete, boolean failed);

    /** Rows read so far; written by the producer only. */
    long rowsRead();

    /** What the caller's work returned; null for a streamed query, whose rows are its result. */
    default Object value() {
        return null;
    }
}
