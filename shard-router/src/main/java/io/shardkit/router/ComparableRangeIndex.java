package io.shardkit.router;

import java.util.List;

/**
 * Finds the range of a {@code String} or {@code Instant} key in a {@link RangeTable} by a binary search over the
 * ranges' lower bounds.
 */
final class ComparableRangeIndex {
    private final RangeTable table;
    private final Comparable<Object>[] starts; // null at [0] for an open first range, and then never compared
    private final Comparable<Object> end;      // null when the last range is open
    private final ShardId[] owners;

    @SuppressWarnings("unchecked")
    ComparableRangeIndex(RangeTable table) {
        this.table = table;
        List<RangeStrategy.Range> ranges = table.ranges;
        starts = new Comparable[ranges.size()];
        for (int i = 0; i < starts.length; i++) {
            starts[i] = (Comparable<Object>) ranges.get(i).from().value();
        }
        end = table.openAbove ? null : (Comparable<Object>) ranges.getLast().to().value();
        owners = ranges.stream().map(RangeStrategy.Range::shard).toArray(ShardId[]::new);
    }

    ShardId shardFor(Comparable<Object> key) {
        boolean below = !table.openBelow && key.compareTo(starts[0]) < 0;
        if (below || (!table.openAbove && key.compareTo(end) >= 0)) {
            throw table.outside(key, below);
        }
        int lo = table.openBelow ? 1 : 0; // the open first range has no start to compare with
        int hi = starts.length - 1;
        int found = 0;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (starts[mid].compareTo(key) <= 0) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return owners[found];
    }
}
