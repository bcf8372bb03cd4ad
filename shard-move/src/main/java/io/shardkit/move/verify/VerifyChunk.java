package io.shardkit.move.verify;

import java.util.List;

/**
 * One chunk of a table verified, as a {@link ChunkedDiff} reports it once its progress is saved: a verify stopped after
 * this resumes with the next chunk.
 *
 * @param rows          the chunk's source rows
 * @param rowsSoFar     the table's source rows verified so far, this chunk's included (and a resumed run's earlier ones)
 * @param mismatches    the rows of this chunk that differ
 * @param bisected      the chunk's hashes differed, so it was halved down to rows
 * @param sqlHashes     the chunk was compared by SQL hashes, not by reading its rows
 * @param lastOfTable   this was the table's last chunk
 */
public record VerifyChunk(String table, long rows, long rowsSoFar, List<Mismatch> mismatches, boolean bisected,
                          boolean sqlHashes, boolean lastOfTable) {
    public VerifyChunk {
        mismatches = List.copyOf(mismatches);
    }
}
