package io.shardkit.cluster;

/**
 * Why read-your-writes sent a read of a shard that has replicas to its primary: the {@code reason} tag of
 * {@code shardkit.read.primary.fallbacks}.
 */
enum PrimaryFallback {
    /** Within {@link ReadPolicy#stickyAfterWrite()} of the session's last write to the shard. */
    STICKY_AFTER_WRITE("sticky-after-write"),
    /** The session wrote the shard, and its position cannot be read (not PostgreSQL, or the primary did not answer). */
    NO_POSITION("no-position"),
    /** No replica had replayed the session's (or token's) position within the wait. */
    REPLICA_BEHIND("replica-behind");

    final String tag;

    PrimaryFallback(String tag) {
        this.tag = tag;
    }
}
