package io.shardkit.migrate;

import io.shardkit.router.ShardId;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one fleet command did on one logical shard.
 *
 * @param shard         the logical shard
 * @param index         its position in the cluster's shard list, the value of {@code ${shard_index}}
 * @param database      the physical database it lives on
 * @param schema        its schema, when the shard map gives one
 * @param state         how it came out
 * @param versionBefore the schema version before the command; empty when the shard had no history or was not read
 * @param versionAfter  the version after it (for read-only commands, the current version)
 * @param applied       the migrations this command applied, in order, with their times
 * @param pending       the migrations still to apply ({@code info}, {@code validate}, {@code plan})
 * @param duration      the time spent on this shard; zero when skipped
 * @param error         why it failed or is invalid; present exactly when the state is FAILED or INVALID
 * @param notes         what else the shard's run says: Flyway's warnings, repair actions, why it was skipped, what to
 *                      do after a failure that could not be rolled back
 */
public record MigrationOutcome(ShardId shard, int index, String database, Optional<String> schema, ShardState state,
                           Optional<String> versionBefore, Optional<String> versionAfter, List<MigrationStep> applied,
                           List<MigrationStep> pending, Duration duration, Optional<ShardError> error, List<String> notes) {
    public MigrationOutcome {
        Objects.requireNonNull(shard, "shard");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(versionBefore, "versionBefore");
        Objects.requireNonNull(versionAfter, "versionAfter");
        applied = List.copyOf(applied);
        pending = List.copyOf(pending);
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(error, "error");
        notes = List.copyOf(notes);
        if (error.isPresent() != (state == ShardState.FAILED || state == ShardState.INVALID)) {
            throw new IllegalArgumentException("error must be present exactly when the state is FAILED or INVALID: "
                    + state + (error.isPresent() ? " with an error" : " without an error"));
        }
    }

    /** The version after the command as {@code V7}, or {@code empty} for a shard without a schema history. */
    public String versionLabel() {
        return label(versionAfter);
    }

    /** The version before the command as {@code V7}, or {@code empty}. */
    public String versionBeforeLabel() {
        return label(versionBefore);
    }

    static String label(Optional<String> version) {
        return version.map(v -> "V" + v).orElse("empty");
    }
}
