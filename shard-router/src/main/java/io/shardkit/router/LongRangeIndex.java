package io.shardkit.router;

import java.util.Arrays;
import java.util.List;

/**
 * Finds the range of a {@code long} key in a {@link RangeTable} by a binary search over a primitive array of the
 * ranges' lower bounds, so the hot path neither boxes nor allocates.
 */
final class LongRangeIndex {
    private final RangeTable table;
    private final long[] starts;  // an open first range starts at Long.MIN_VALUE
    private final long end;       // Long.MAX_VALUE when the last range is open, and then never compared
    private final ShardId[] owners;

    LongRangeIndex(RangeTable table) {
        this.table = table;
        List<RangeStrategy.Range> ranges = table.ranges;
        starts = new long[ranges.size()];
        for (int i = 0; i < starts.length; i++) {
            RangeStrategy.Bound from = ranges.get(i).from();
            starts[i] = from.unbounded() ? Long.MIN_VALUE : (Long) from.value();
        }
        end = table.openAbove ? Long.MAX_VALUE : (Long) ranges.getLast().to().value();
        owners = ranges.stream().map(RangeStrategy.Range::shard).toArray(ShardId[]::new);
    }

    ShardId shardFor(long key) {
        if ((!table.openBelow && key < starts[0]) || (!table.openAbove && key >= end)) {
            throw table.outside(key, key < starts[0]);
        }
        int i = Arrays.binarySearch(starts, key);
        return owners[i >= 0 ? i : -i - 2];
    }
}
