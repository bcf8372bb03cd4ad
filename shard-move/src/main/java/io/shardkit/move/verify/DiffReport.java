package io.shardkit.move.verify;

import java.util.List;
import java.util.Map;

/**
 * What a shard diff compared, per table, and every row that differs (never a sample).
 *
 * <p>{@link ShardDiff} reports no chunk counts (0); {@link ChunkedDiff} does.
 *
 * @param chunks         key chunks compared by this run (a resumed run counts only its own)
 * @param chunksBisected of those, the chunks that differed and were narrowed down to their rows
 * @param rowsFetched    rows read into Java to be compared, both sides together: 0 when SQL hashes agreed everywhere
 */
public record DiffReport(Map<String, Long> rowsCompared, List<Mismatch> mismatches, long chunks, long chunksBisected,
                         long rowsFetched) {
    public DiffReport {
        rowsCompared = Map.copyOf(rowsCompared);
        mismatches = List.copyOf(mismatches);
    }

    public DiffReport(Map<String, Long> rowsCompared, List<Mismatch> mismatches) {
        this(rowsCompared, mismatches, 0, 0, 0);
    }

    public boolean clean() {
        return mismatches.isEmpty();
    }

    public long rows() {
        return rowsCompared.values().stream().mapToLong(Long::longValue).sum();
    }
}
