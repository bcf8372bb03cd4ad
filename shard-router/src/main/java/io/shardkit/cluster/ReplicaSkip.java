package io.shardkit.cluster;

/** Why a read passed over a replica: the {@code reason} tag of {@code shardkit.replica.skipped}. */
enum ReplicaSkip {
    /** No probe has succeeded yet: its lag is not known. */
    NOT_PROBED("not-probed"),
    /** Its last probe, or a caller's query on it, failed on the connection; retried after retryFailedReplicaAfter. */
    DOWN("down"),
    /** Further behind its primary than maxReplicaLag at its last probe. */
    LAGGING("lagging"),
    /** Its probes stopped coming back (a hung server): its last lag figure is too old to trust. */
    STALE_PROBE("stale-probe"),
    /** Usable, but it had not replayed the position a read-your-writes read needs. */
    BEHIND_POSITION("behind-position");

    final String tag;

    ReplicaSkip(String tag) {
        this.tag = tag;
    }
}
