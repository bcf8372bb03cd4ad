package io.shardkit.move;

import io.shardkit.move.MoveReport.Place;
import java.util.Map;

/**
 * A move as it would run, checked and nothing changed: what moves from where to where, in which mode, the rows of
 * each table, and how long writes would pause.
 *
 * @param what    "shard s3" or "tenant 42 of s3"
 * @param rows    per table, the rows that would move now
 * @param version the topology version the move starts from
 * @param pause   how writes pause, in words: online, only the cutover (up to the budget); block-writes, the copy
 */
public record MovePlan(String what, Place from, Place to, MoveMode mode, Map<String, Long> rows, long version,
                       String pause) {
    public MovePlan {
        rows = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(rows));
    }

    public long totalRows() {
        return rows.values().stream().mapToLong(Long::longValue).sum();
    }
}
