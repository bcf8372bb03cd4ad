package io.shardkit.move.verify;

import java.util.List;

/**
 * One row that differs: missing on the target, extra on the target, or present on both with other values.
 *
 * @param key    the row's primary key, as text
 * @param values the key's values as the database returned them (to read the row again)
 */
public record Mismatch(String table, List<String> key, Kind kind, List<Object> values) {
    public enum Kind { MISSING_ON_TARGET, EXTRA_ON_TARGET, DIFFERENT }

    public Mismatch {
        key = List.copyOf(key);
        values = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(values));
    }

    @Override
    public String toString() {
        return kind + " " + table + " " + key;
    }
}
