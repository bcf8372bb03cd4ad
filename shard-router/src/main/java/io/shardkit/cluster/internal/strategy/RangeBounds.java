package io.shardkit.cluster.internal.strategy;

import io.shardkit.cluster.internal.Hints;
import io.shardkit.cluster.internal.Problems;
import io.shardkit.router.RangeStrategy.Bound;
import io.shardkit.router.ShardKeyType;
import java.time.format.DateTimeParseException;

/** A range's {@code from} or {@code to} as shards.yml writes it: a value of the key type, or {@code unbounded}. */
final class RangeBounds {
    private RangeBounds() {
    }

    /** The bound at property {@code p}, or null after adding the problem. */
    static Bound read(String p, String text, ShardKeyType keyType, Problems problems) {
        if (text == null) {
            problems.add(p + ": missing — give " + keyType.withArticle() + " value, or 'unbounded' to open the end");
            return null;
        }
        if (text.trim().equalsIgnoreCase("unbounded")) return Bound.UNBOUNDED;
        try {
            Object v = keyType.parseKey(text);
            return Bound.of((Comparable<?>) v);
        } catch (IllegalArgumentException | DateTimeParseException e) {
            problems.add(p + ": '" + text + "' is not " + keyType.withArticle() + " value — write "
                    + Hints.example(keyType) + ", or 'unbounded'");
            return null;
        }
    }
}
