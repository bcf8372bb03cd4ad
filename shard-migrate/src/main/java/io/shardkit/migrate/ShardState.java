package io.shardkit.migrate;

/** How one shard came out of a fleet command. */
public enum ShardState {
    /** The command succeeded and nothing is left to apply. */
    OK,
    /** The command succeeded; migrations are pending on this shard ({@code info}, {@code validate}, {@code plan}). */
    PENDING,
    /** The command failed on this shard; see {@link MigrationOutcome#error()}. */
    FAILED,
    /**
     * The shard's history does not match the migrations (checksum, name or type changed, migration missing, failed
     * row), so {@code migrate} would refuse it; see {@link MigrationOutcome#error()}.
     */
    INVALID,
    /** Not started: a canary or an earlier shard failed, or the run was stopped; the reason is in the notes. */
    SKIPPED
}
