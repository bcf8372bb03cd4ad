package io.shardkit.migrate;

/** What a fleet migration does after a shard fails. The canary shards always stop the run when one fails. */
public enum OnError {
    /** Start no new shard; the shards already running finish; the rest are reported as skipped. */
    FAIL,
    /** Go on with every other shard; the report lists each failure. */
    CONTINUE
}
