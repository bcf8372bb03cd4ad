package io.shardkit.router;

import io.shardkit.router.RangeStrategy.Range;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The ranges of a {@link RangeStrategy}, checked by {@link RangeChecks} and sorted, with the answers that concern
 * them as a whole: which shards a key range overlaps, and the errors for a key that no range holds or that is of
 * another type. Finding one key's range is the job of {@link LongRangeIndex} and {@link ComparableRangeIndex}.
 */
final class RangeTable {
    final ShardKeyType keyType;
    final List<Range> ranges;
    final boolean openBelow;
    final boolean openAbove;

    RangeTable(ShardKeyType keyType, List<Range> declared) {
        this.keyType = keyType;
        this.ranges = RangeChecks.sorted(keyType, declared);
        this.openBelow = ranges.getFirst().from().unbounded();
        this.openAbove = ranges.getLast().to().unbounded();
    }

    /** The shards of the ranges that hold some key in {@code [from, to]}, in range order. */
    List<ShardId> shardsOverlapping(Object from, Object to) {
        Object lowest = widen(from);
        Object highest = widen(to);
        LinkedHashSet<ShardId> out = new LinkedHashSet<>();
        for (Range r : ranges) {
            boolean startsAfterTo = !r.from().unbounded() && compare(r.from().value(), highest) > 0;
            boolean endsBeforeFrom = !r.to().unbounded() && compare(r.to().value(), lowest) <= 0;
            if (!startsAfterTo && !endsBeforeFrom) out.add(r.shard());
        }
        return List.copyOf(out);
    }

    /** A key of the table's type as its bounds hold it: an {@code int} widened to {@code long}. */
    private Object widen(Object key) {
        ShardKeyType type = ShardKeyType.of(key);
        if (type != keyType) throw wrongType(type);
        return key instanceof Integer i ? Long.valueOf(i) : key;
    }

    /** The error for a key that no range holds: {@code below} the first range, or at or above the last one's end. */
    ShardException outside(Object key, boolean below) {
        String where = below
                ? "below the first range " + ranges.getFirst() + " — add a range below it, or declare its 'from' unbounded"
                : "at or above the end of the last range " + ranges.getLast() + " — add a range above it, or declare its 'to' unbounded";
        return new ShardException(ShardException.Code.KEY, "key " + key + " is outside every range: it is " + where);
    }

    ShardException wrongType(ShardKeyType given) {
        return new ShardException(ShardException.Code.KEY, "this range strategy routes " + keyType.configName()
                + " keys and cannot route " + given.withArticle() + " key — pass " + keyType.withArticle() + " key");
    }

    @SuppressWarnings("unchecked")
    static int compare(Object a, Object b) {
        return ((Comparable<Object>) a).compareTo(b);
    }
}
