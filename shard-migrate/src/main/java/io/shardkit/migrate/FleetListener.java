package io.shardkit.migrate;

import io.shardkit.router.ShardId;
import java.util.List;

/**
 * Progress of a fleet command, e.g. for a progress line per shard. Every call comes from the thread that called the
 * command, one at a time and in completion order, so an implementation needs no locking.
 */
public interface FleetListener {
    /** Listens to nothing. */
    FleetListener NONE = new FleetListener() {
    };

    /** The command starts on these shards, in the order they will be started. */
    default void started(FleetCommand command, List<ShardId> shards) {
    }

    /** A shard has finished ({@code done} of {@code total} so far), successfully or not. Skipped shards are not reported here. */
    default void shardFinished(MigrationOutcome outcome, int done, int total) {
    }

    /** No further shard will start: {@code reason} says why (a failure, a canary, a stop request). */
    default void stopping(String reason) {
    }
}
