package io.shardkit.move;

import io.shardkit.move.verify.DiffReport;
import java.time.Duration;
import java.util.Map;

/**
 * What a move did.
 *
 * @param rowsCopied per table, as the target holds them at the cutover
 * @param verify     the comparison of source and target (online: while writes went on, differing rows re-read)
 * @param verifyTime how long the comparison took
 * @param pause      from the fence closing to the new version being published: how long writes to the shard waited
 * @param version    the topology version that placed the shard on its new database
 * @param job        the move's job in the control database (for {@link ShardMover#finish})
 */
public record MoveReport(String shard, Place from, Place to, Map<String, Long> rowsCopied, DiffReport verify,
                         Duration verifyTime, Duration pause, long version, long job) {
    /** A database and, optionally, a schema in it. */
    public record Place(String database, String schema) {
        @Override
        public String toString() {
            return schema == null ? database : database + "/" + schema;
        }
    }

    public MoveReport {
        rowsCopied = Map.copyOf(rowsCopied);
    }

    public long rows() {
        return rowsCopied.values().stream().mapToLong(Long::longValue).sum();
    }
}
