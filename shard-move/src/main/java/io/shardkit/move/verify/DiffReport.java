package io.shardkit.move.verify;

import java.util.List;
import java.util.Map;

/** What a shard diff compared, per table, and every row that differs (never a sample). */
public record DiffReport(Map<String, Long> rowsCompared, List<Mismatch> mismatches) {
    public DiffReport {
        rowsCompared = Map.copyOf(rowsCompared);
        mismatches = List.copyOf(mismatches);
    }

    public boolean clean() {
        return mismatches.isEmpty();
    }

    public long rows() {
        return rowsCompared.values().stream().mapToLong(Long::longValue).sum();
    }
}
