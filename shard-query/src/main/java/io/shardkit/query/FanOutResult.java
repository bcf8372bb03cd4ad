package io.shardkit.query;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The merged rows of a fan-out and how each shard went. With {@link FailurePolicy#PARTIAL} some shards may have
 * failed: {@link #complete()} says whether the rows are the whole answer, and {@link #orThrow()} turns an
 * incomplete result into a {@link FanOutException}.
 */
public record FanOutResult<R>(List<R> rows, List<QueryOutcome> outcomes) {
    public FanOutResult {
        rows = List.copyOf(rows);
        outcomes = List.copyOf(outcomes);
    }

    /**
     * No shard failed or timed out: the rows are what one database holding all the data would return. (A shard
     * stopped early because the merge already had every row it needed counts as answered.)
     */
    public boolean complete() {
        return outcomes.stream().noneMatch(FanOutResult::failed);
    }

    private static boolean failed(QueryOutcome o) {
        return o.status() == QueryOutcome.Status.FAILED || o.status() == QueryOutcome.Status.TIMED_OUT;
    }

    public FanOutResult<R> orThrow() {
        if (complete()) return this;
        List<QueryOutcome> failed = outcomes.stream().filter(FanOutResult::failed).toList();
        throw new FanOutException("fan-out incomplete: " + failed.size() + " of " + outcomes.size() + " shards did not answer ("
                + failed.stream().map(QueryOutcome::toString).collect(Collectors.joining("; ")) + ")",
                outcomes, failed.getFirst().error().orElse(null));
    }
}
