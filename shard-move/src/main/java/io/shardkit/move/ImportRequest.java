package io.shardkit.move;

import java.util.List;
import java.util.Objects;

/**
 * What to import into the cluster: a single database (one of the configuration's {@code databases}), the column
 * whose value routes each row, and which tables.
 *
 * @param fromDatabase the database to import, by its name in {@code databases}
 * @param fromSchema   its schema, or null for the database's default schema
 * @param keyColumn    the shard-key column every imported table has (e.g. {@code customer_id})
 * @param tables       the tables to import; empty for every base table of the schema except Shardkit's and Flyway's
 */
public record ImportRequest(String fromDatabase, String fromSchema, String keyColumn, List<String> tables) {
    public ImportRequest {
        Objects.requireNonNull(fromDatabase, "fromDatabase");
        Objects.requireNonNull(keyColumn, "keyColumn");
        if (keyColumn.isBlank()) throw new IllegalArgumentException("keyColumn must not be blank");
        tables = tables == null ? List.of() : List.copyOf(tables);
    }

    /** Every table of {@code fromDatabase}'s default schema. */
    public static ImportRequest of(String fromDatabase, String keyColumn) {
        return new ImportRequest(fromDatabase, null, keyColumn, List.of());
    }
}
