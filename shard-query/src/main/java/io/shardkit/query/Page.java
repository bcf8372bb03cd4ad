package io.shardkit.query;

import java.util.List;
import java.util.Optional;

/**
 * One keyset page: its rows, and the opaque cursor of the next page (empty on the last page). Pass the cursor to
 * {@link FanOutQuery#fetchPage(int, String)} for the next page; page 1,000 costs what page 1 costs.
 */
public record Page<R>(List<R> rows, Optional<String> nextCursor, List<QueryOutcome> outcomes) {
    public Page {
        rows = List.copyOf(rows);
        outcomes = List.copyOf(outcomes);
    }
}
