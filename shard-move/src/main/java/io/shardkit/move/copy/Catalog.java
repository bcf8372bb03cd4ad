package io.shardkit.move.copy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/** The tables of one schema, read from {@code information_schema}, which PostgreSQL, MariaDB and H2 all have. */
public final class Catalog {
    /** Shardkit's and Flyway's own tables: never copied, each side keeps its own. */
    private static final Set<String> NOT_DATA = Set.of("shardkit_fence", "shardkit_verify_progress", "shardkit_verify_mismatch",
            "flyway_schema_history");

    private Catalog() {
    }

    /**
     * The schema's base tables, sorted by name.
     *
     * @param schema as the cluster names it (folded as the database folds an unquoted name), or null for the
     *               connection's default schema
     */
    public static List<TableInfo> tables(DSLContext db, String schema) {
        String actual = actualSchema(db, schema);
        Map<String, List<String>> columns = new LinkedHashMap<>();
        for (Record r : db.resultQuery("select table_name, column_name from information_schema.columns"
                + " where table_schema = ? order by table_name, ordinal_position", actual)) {
            columns.computeIfAbsent(r.get(0, String.class), t -> new ArrayList<>()).add(r.get(1, String.class));
        }
        Set<String> base = new java.util.HashSet<>(db.resultQuery("select table_name from information_schema.tables"
                + " where table_schema = ? and table_type = 'BASE TABLE'", actual).fetch().getValues(0, String.class));
        Map<String, List<String>> keys = new LinkedHashMap<>();
        for (Record r : db.resultQuery("select k.table_name, k.column_name from information_schema.table_constraints c"
                + " join information_schema.key_column_usage k on k.constraint_name = c.constraint_name"
                + " and k.table_schema = c.table_schema and k.table_name = c.table_name"
                + " where c.table_schema = ? and c.constraint_type = 'PRIMARY KEY' order by k.table_name, k.ordinal_position",
                actual)) {
            keys.computeIfAbsent(r.get(0, String.class), t -> new ArrayList<>()).add(r.get(1, String.class));
        }
        List<TableInfo> tables = new ArrayList<>();
        for (var e : columns.entrySet()) {
            if (!base.contains(e.getKey()) || NOT_DATA.contains(e.getKey().toLowerCase(Locale.ROOT))) continue;
            tables.add(new TableInfo(e.getKey(), e.getValue(), keys.getOrDefault(e.getKey(), List.of())));
        }
        tables.sort(java.util.Comparator.comparing(TableInfo::name));
        return tables;
    }

    /**
     * The newest version Flyway applied successfully in the schema ({@code flyway_schema_history}), or null when
     * Flyway never ran there.
     */
    public static String flywayVersion(DSLContext db, String schema) {
        String actual = actualSchema(db, schema);
        String table = db.resultQuery("select table_name from information_schema.tables where table_schema = ?"
                + " and lower(table_name) = 'flyway_schema_history'", actual).fetchOne(0, String.class);
        if (table == null) return null;
        var t = DSL.table(DSL.name(DSL.quotedName(actual), DSL.quotedName(table)));
        return db.select(DSL.field(DSL.quotedName("version"), String.class)).from(t)
                .where(DSL.field(DSL.quotedName("success"), Boolean.class).isTrue())
                .and(DSL.field(DSL.quotedName("version")).isNotNull())
                .orderBy(DSL.field(DSL.quotedName("installed_rank")).desc()).limit(1).fetchOne(0, String.class);
    }

    /** The schema's name as the database stores it. */
    public static String actualSchema(DSLContext db, String schema) {
        SQLDialect family = db.dialect().family();
        if (schema == null) {
            return family == SQLDialect.MARIADB || family == SQLDialect.MYSQL
                    ? db.fetchValue(DSL.field("database()", String.class))
                    : db.fetchValue(DSL.field("current_schema", String.class));
        }
        return switch (family) {
            case POSTGRES -> schema.toLowerCase(Locale.ROOT);
            case H2 -> schema.toUpperCase(Locale.ROOT);
            default -> schema;
        };
    }
}
