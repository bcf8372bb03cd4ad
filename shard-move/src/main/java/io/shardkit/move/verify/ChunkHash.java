package io.shardkit.move.verify;

import java.math.BigDecimal;

/** A key range's row count and its rows' hashes summed in two slices: equal on both sides when the rows are. */
record ChunkHash(long rows, BigDecimal low, BigDecimal high) {
    ChunkHash {
        // no rows: SQL's sum is NULL
        low = low == null ? BigDecimal.ZERO : low.stripTrailingZeros();
        high = high == null ? BigDecimal.ZERO : high.stripTrailingZeros();
    }

    boolean sameAs(ChunkHash other) {
        return rows == other.rows && low.compareTo(other.low) == 0 && high.compareTo(other.high) == 0;
    }
}
