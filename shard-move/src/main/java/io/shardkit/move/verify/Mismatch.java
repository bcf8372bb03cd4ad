package io.shardkit.move.verify;

import java.util.List;

/**
 * One row that differs: missing on the target, extra on the target, or present on both with other values.
 *
 * @param key the row's primary key, as text
 */
public record Mismatch(String table, List<String> key, Kind kind) {
    public enum Kind { MISSING_ON_TARGET, EXTRA_ON_TARGET, DIFFERENT }
}
