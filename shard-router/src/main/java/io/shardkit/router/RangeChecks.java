package io.shardkit.router;

import static io.shardkit.router.RangeTable.compare;

import io.shardkit.router.RangeStrategy.Bound;
import io.shardkit.router.RangeStrategy.Range;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The rules declared ranges must follow before a {@link RangeTable} holds them: each bound of the key type, no
 * range empty, and, once sorted, contiguous from the first to the last, unbounded only below the first and above the
 * last. Each rule's error names the offending ranges and the fix.
 */
final class RangeChecks {
    private RangeChecks() {
    }

    /** The ranges in key order; throws {@link ShardException} (CONFIG) naming the first broken rule. */
    static List<Range> sorted(ShardKeyType keyType, List<Range> declared) {
        if (keyType != ShardKeyType.LONG && keyType != ShardKeyType.STRING && keyType != ShardKeyType.INSTANT) {
            throw config("range strategy keys must be long, string or instant, not " + keyType.configName());
        }
        if (declared.isEmpty()) {
            throw config("range strategy needs at least one range");
        }
        for (Range r : declared) {
            checkType(keyType, r, r.from());
            checkType(keyType, r, r.to());
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
        return List.copyOf(sorted);
    }

    private static void checkType(ShardKeyType keyType, Range r, Bound b) {
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

    private static ShardException config(String message) {
        return new ShardException(ShardException.Code.CONFIG, message);
    }
}
