package io.shardkit.move;

import io.shardkit.move.MoveReport.Place;
import java.util.List;

/**
 * An import as the control database records it ({@code shardkit_import_jobs}).
 *
 * @param tables        the tables it imports, in the order it copies them
 * @param version       the topology version whose router places every row
 * @param progressTable the table being copied (COPYING), or null before the copy
 * @param progressRows  rows of {@code progressTable} committed on every shard
 * @param progressKey   the primary key of the last of them, as text
 * @param owner         the mover holding the lease, or null
 * @param detail        the last step's note or error
 */
public record ImportJob(long id, Place from, String keyColumn, List<String> tables, State state, long version,
                        String progressTable, long progressRows, String progressKey, String owner, String detail) {
    public ImportJob {
        tables = List.copyOf(tables);
    }

    /** The steps, in order; each is recorded when reached, so a resumed import starts where the last one stopped. */
    public enum State {
        /** Checked; nothing changed yet. */
        PLANNED,
        /** The fence is installed and closed on the source: every write there is refused (SQLSTATE SKM01). */
        FENCED,
        /** Rows are being copied, a primary-key batch at a time; the progress says how far each table got. */
        COPYING,
        /** Every shard compared with the source rows routed to it, and clean. */
        VERIFIED,
        /** Imported: the cluster holds the rows; the source keeps its copy behind its closed fence. */
        DONE,
        /** Undone before DONE: the imported rows deleted from the shards, the source's fence open and gone. */
        CANCELLED;

        public boolean done() {
            return this == DONE || this == CANCELLED;
        }
    }
}
