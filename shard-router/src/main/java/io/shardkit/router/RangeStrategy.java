package io.shardkit.router;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
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
public final class RangeStrategy implements ShardStrategy {

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

    private final ShardKeyType keyType;
    private final List<Range> ranges;
    private final List<ShardId> shards;
    private final boolean openBelow;
    private final boolean openAbove;
    // Lower bounds of ranges 1..n-1 plus the first's (when bounded) — the search keys. Only one array is used.
    private final long[] longStarts;
    private final Comparable<Object>[] starts;
    private final long longEnd;
    private final Comparable<Object> end;
    private final ShardId[] owners;

    /** Validates and sorts the ranges; throws {@link ShardException} (CONFIG) naming the first problem. */
    @SuppressWarnings("unchecked")
    public RangeStrategy(ShardKeyType keyType, List<Range> declared) {
        this.keyType = Objects.requireNonNull(keyType, "keyType");
        if (keyType != ShardKeyType.LONG && keyType != ShardKeyType.STRING && keyType != ShardKeyType.INSTANT) {
            throw config("range strategy keys must be long, string or instant, not " + keyType.configName());
        }
        if (declared.isEmpty()) {
            throw config("range strategy needs at least one range");
        }
        for (Range r : declared) {
            checkType(r, r.from());
            checkType(r, r.to());
            if (!r.from().unbounded() && !r.to().unbounded() && compare(r.from().value(), r.to().value()) >= 0) {
                throw config("range " + r + " is empty — 'from' must be below 'to' (from is inclusive, to exclusive)");
            }
        }
        List<Range> sorted = new ArrayList<>(declared);
        sorted.sort(Comparator.comparing(Range::from, (a, b) ->
                a.unbounded() ? (b.unbounded() ? 0 : -1) : b.unbounded() ? 1 : compare(a.value(), b.value())));
        for (int i = 0; i < sorted.size(); i++) {
            Range r = sorted.get(i);
            if (r.from().unbounded() && i != 0) {
                throw config("range " + r + " is unbounded below but is not the first range — only the lowest range may be");
            }
            if (r.to().unbounded() && i != sorted.size() - 1) {
                throw config("range " + r + " is unbounded above but is not the last range — it overlaps " + sorted.get(i + 1));
            }
            if (i > 0) {
                Range prev = sorted.get(i - 1);
                int c = compare(prev.to().value(), r.from().value());
                if (c < 0) {
                    throw config("gap between range " + prev + " and range " + r + ": keys from " + prev.to() + " to "
                            + r.from() + " have no shard — make each range's 'from' equal the previous range's 'to'");
                }
                if (c > 0) {
                    throw config("range " + prev + " overlaps range " + r + " — make each range's 'from' equal the previous range's 'to'");
                }
            }
        }
        this.ranges = List.copyOf(sorted);
        this.shards = List.copyOf(new LinkedHashSet<>(sorted.stream().map(Range::shard).toList()));
        this.openBelow = sorted.getFirst().from().unbounded();
        this.openAbove = sorted.getLast().to().unbounded();
        int n = sorted.size();
        owners = sorted.stream().map(Range::shard).toArray(ShardId[]::new);
        if (keyType == ShardKeyType.LONG) {
            longStarts = new long[n];
            for (int i = 0; i < n; i++) {
                Bound from = sorted.get(i).from();
                longStarts[i] = from.unbounded() ? Long.MIN_VALUE : (Long) from.value();
            }
            longEnd = openAbove ? Long.MAX_VALUE : (Long) sorted.getLast().to().value();
            starts = null;
            end = null;
        } else {
            starts = new Comparable[n];
            for (int i = 0; i < n; i++) {
                starts[i] = (Comparable<Object>) sorted.get(i).from().value(); // null only for an open first range
            }
            end = openAbove ? null : (Comparable<Object>) sorted.getLast().to().value();
            longStarts = null;
            longEnd = 0;
        }
    }

    @Override
    public ShardId shardFor(long key) {
        if (keyType != ShardKeyType.LONG) {
            throw wrongType(ShardKeyType.LONG);
        }
        if ((!openBelow && key < longStarts[0]) || (!openAbove && key >= longEnd)) {
            throw outside(key);
        }
        int i = Arrays.binarySearch(longStarts, key);
        return owners[i >= 0 ? i : -i - 2];
    }

    @Override
    @SuppressWarnings("unchecked")
    public ShardId shardFor(Object key) {
        ShardKeyType type = ShardKeyType.of(key);
        if (type != keyType) {
            throw wrongType(type);
        }
        if (keyType == ShardKeyType.LONG) {
            return shardFor(((Number) key).longValue());
        }
        Comparable<Object> k = (Comparable<Object>) key;
        if ((!openBelow && k.compareTo(starts[0]) < 0) || (!openAbove && k.compareTo(end) >= 0)) {
            throw outside(key);
        }
        int lo = openBelow ? 1 : 0; // the open first range has no start to compare with
        int hi = starts.length - 1;
        int found = 0;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (starts[mid].compareTo(k) <= 0) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return owners[found];
    }

    /**
     * The shards whose ranges hold some key in {@code [from, to]} (both inclusive), in range order: the only shards a
     * query for that key range needs to visit.
     */
    @SuppressWarnings("unchecked")
    public List<ShardId> shardsOverlapping(Object from, Object to) {
        java.util.LinkedHashSet<ShardId> out = new java.util.LinkedHashSet<>();
        for (Range r : ranges) {
            boolean startsAfterTo = !r.from().unbounded() && compare(r.from().value(), widen(to)) > 0;
            boolean endsBeforeFrom = !r.to().unbounded() && compare(r.to().value(), widen(from)) <= 0;
            if (!startsAfterTo && !endsBeforeFrom) out.add(r.shard());
        }
        return List.copyOf(out);
    }

    private Object widen(Object key) {
        ShardKeyType type = ShardKeyType.of(key);
        if (type != keyType) throw wrongType(type);
        return key instanceof Integer i ? Long.valueOf(i) : key;
    }

    @Override
    public List<ShardId> shards() {
        return shards;
    }

    public List<Range> ranges() {
        return ranges;
    }

    public ShardKeyType keyType() {
        return keyType;
    }

    @Override
    public String describe() {
        return "range(" + keyType.configName() + ", " + ranges.size() + " ranges)";
    }

    private ShardException outside(Object key) {
        Range first = ranges.getFirst();
        Range last = ranges.getLast();
        boolean below = keyType == ShardKeyType.LONG
                ? ((Number) key).longValue() < longStarts[0]
                : !openBelow && compare(key, first.from().value()) < 0;
        String where = below
                ? "below the first range " + first + " — add a range below it, or declare its 'from' unbounded"
                : "at or above the end of the last range " + last + " — add a range above it, or declare its 'to' unbounded";
        return new ShardException(ShardException.Code.KEY, "key " + key + " is outside every range: it is " + where);
    }

    private ShardException wrongType(ShardKeyType given) {
        return new ShardException(ShardException.Code.KEY, "this range strategy routes " + keyType.configName()
                + " keys and cannot route " + given.withArticle() + " key — pass " + keyType.withArticle() + " key");
    }

    private void checkType(Range r, Bound b) {
        if (b.unbounded()) return;
        Object v = b.value();
        boolean ok = switch (keyType) {
            case LONG -> v instanceof Long;
            case STRING -> v instanceof String;
            case INSTANT -> v instanceof Instant;
            default -> false;
        };
        if (!ok) {
            throw config("range " + r + " has a bound of type " + v.getClass().getSimpleName()
                    + " but the strategy's keys are " + keyType.configName());
        }
    }

    @SuppressWarnings("unchecked")
    private static int compare(Object a, Object b) {
        return ((Comparable<Object>) a).compareTo(b);
    }

    private static ShardException config(String message) {
        return new ShardException(ShardException.Code.CONFIG, message);
    }
}
