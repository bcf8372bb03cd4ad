package io.shardkit.router;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * Routes by the key itself over sorted, contiguous ranges {@code [from, to)} of {@code long}, {@code String}
 * or {@link Instant} keys. Gaps, overlaps and empty ranges are configuration errors; a key outside every
 * range is an error naming its neighbourhood, never a silent default. The first range may be open below and
 * the last open above only when declared so ({@link Bound#UNBOUNDED}).
 *
 * <p>Strings compare by {@link String#compareTo} (UTF-16 code units), not by any database collation.
 */
public final class RangeStrategy implements ShardStrategy, RangeScannable {

    /** One range of the strategy: keys from {@code from} (inclusive) to {@code to} (exclusive) go to {@code shard}. */
    public record Range(ShardId shard, Bound from, Bound to) {
        public Range {
            Objects.requireNonNull(shard, "shard");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
        }

        @Override
        public String toString() {
            return "[" + from + ", " + to + ") on shard " + shard;
        }
    }

    /** A range boundary: a key value, or unbounded (only below the first range and above the last). */
    public record Bound(Comparable<?> value) {
        public static final Bound UNBOUNDED = new Bound(null);

        public static Bound of(Comparable<?> value) {
            return new Bound(Objects.requireNonNull(value, "value"));
        }

        public boolean unbounded() {
            return value == null;
        }

        @Override
        public String toString() {
            return value == null ? "unbounded" : value.toString();
        }
    }

    private final RangeTable table;
    private final List<ShardId> shards;
    private final LongRangeIndex longs;             // for long keys only
    private final ComparableRangeIndex comparables; // for string and instant keys only

    /** Validates and sorts the ranges; throws {@link ShardException} (CONFIG) naming the first problem. */
    public RangeStrategy(ShardKeyType keyType, List<Range> declared) {
        this.table = new RangeTable(Objects.requireNonNull(keyType, "keyType"), declared);
        this.shards = List.copyOf(new LinkedHashSet<>(table.ranges.stream().map(Range::shard).toList()));
        boolean longKeys = keyType == ShardKeyType.LONG;
        this.longs = longKeys ? new LongRangeIndex(table) : null;
        this.comparables = longKeys ? null : new ComparableRangeIndex(table);
    }

    @Override
    public ShardId shardFor(long key) {
        if (longs == null) throw table.wrongType(ShardKeyType.LONG);
        return longs.shardFor(key);
    }

    @Override
    @SuppressWarnings("unchecked")
    public ShardId shardFor(Object key) {
        ShardKeyType type = ShardKeyType.of(key);
        if (type != table.keyType) throw table.wrongType(type);
        return longs != null ? longs.shardFor(((Number) key).longValue()) : comparables.shardFor((Comparable<Object>) key);
    }

    @Override
    public List<ShardId> shardsOverlapping(Object from, Object to) {
        return table.shardsOverlapping(from, to);
    }

    @Override
    public List<ShardId> shards() {
        return shards;
    }

    public List<Range> ranges() {
        return table.ranges;
    }

    public ShardKeyType keyType() {
        return table.keyType;
    }

    @Override
    public String describe() {
        return "range(" + table.keyType.configName() + ", " + table.ranges.size() + " ranges)";
    }
}
