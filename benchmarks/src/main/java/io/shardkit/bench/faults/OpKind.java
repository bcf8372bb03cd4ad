package io.shardkit.bench.faults;

/** What a caller did. */
enum OpKind {
    /** A repository insert in a session (autocommit). */
    INSERT,
    /** A repository update in a session's transaction. */
    UPDATE,
    /** A read of one of the caller's own rows through a session: a replica only when it has the caller's writes. */
    READ,
    /** The session's consistency token after a write, to pass to the next request: reads the primary's WAL position. */
    TOKEN,
    /** A fan-out report over every shard, PARTIAL. */
    REPORT
}
