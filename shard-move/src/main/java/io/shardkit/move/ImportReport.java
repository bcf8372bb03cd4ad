package io.shardkit.move;

import io.shardkit.move.MoveReport.Place;
import io.shardkit.move.verify.DiffReport;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an import did.
 *
 * @param rowsPerTable the source's rows, per table (the fence has kept them still since it closed)
 * @param rowsPerShard the rows each logical shard received, over every table
 * @param verify       per shard (shards sharing a database and schema are compared together, named {@code s0+s1}):
 *                     the source rows routed there compared with the rows there
 * @param pause        from the fence closing on the source to the import being done: how long writes had nowhere to go
 * @param version      the topology version whose router placed every row
 * @param source       what became of the source: it keeps its rows behind its closed fence
 */
public record ImportReport(long job, Place from, Map<String, Long> rowsPerTable, Map<String, Long> rowsPerShard,
                           Map<String, DiffReport> verify, Duration verifyTime, Duration pause, long version,
                           String source) {
    public ImportReport {
        rowsPerTable = Collections.unmodifiableMap(new LinkedHashMap<>(rowsPerTable));
        rowsPerShard = Collections.unmodifiableMap(new LinkedHashMap<>(rowsPerShard));
        verify = Collections.unmodifiableMap(new LinkedHashMap<>(verify));
    }

    public long rows() {
        return rowsPerTable.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Whether every shard matched the source. */
    public boolean clean() {
        return verify.values().stream().allMatch(DiffReport::clean);
    }
}
