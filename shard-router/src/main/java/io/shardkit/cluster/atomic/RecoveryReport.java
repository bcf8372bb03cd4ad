package io.shardkit.cluster.atomic;

import java.time.Duration;
import java.util.List;

/**
 * What one recovery pass did, by transaction id.
 *
 * @param committed       transactions whose decision row says committed: their prepared branches were committed
 * @param rolledBack      transactions without a decision: an abort was recorded and their branches rolled back
 * @param running         transactions skipped because their coordinator still holds the decision row
 * @param lingering       of those, the ones running longer than {@link AtomicSettings#lingerAfter()}, with their age
 * @param decisionsCleared decision rows deleted because no branch of theirs is left
 * @param problems        databases or shards recovery could not read or finish, with the reason
 */
public record RecoveryReport(List<String> committed, List<String> rolledBack, List<String> running,
                             List<Lingering> lingering, int decisionsCleared, List<String> problems) {
    /** A transaction whose coordinator has held its branches longer than it should. */
    public record Lingering(String transactionId, Duration age) {
    }

    public RecoveryReport {
        committed = List.copyOf(committed);
        rolledBack = List.copyOf(rolledBack);
        running = List.copyOf(running);
        lingering = List.copyOf(lingering);
        problems = List.copyOf(problems);
    }

    @Override
    public String toString() {
        return "RecoveryReport[committed " + committed.size() + ", rolled back " + rolledBack.size() + ", running "
                + running.size() + ", lingering " + lingering + ", decision rows cleared " + decisionsCleared
                + (problems.isEmpty() ? "" : ", problems " + problems) + "]";
    }
}
