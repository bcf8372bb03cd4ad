package io.shardkit.move.verify;

import io.shardkit.move.copy.Catalog;
import io.shardkit.move.copy.TableInfo;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * A row's hash computed by its database: the row's columns written as canonical text, each as a token that cannot run
 * into the next (so NULL, '' and 'null' differ, and no column can borrow another's characters), the whole
 * hashed with MD5, and a chunk's hashes summed as two 64-bit slices into exact numbers (so the aggregate depends on
 * neither row order nor overflow).
 *
 * <p>A column's text must be at least as exact as {@link Canonical}'s: two values the Java comparison tells apart must
 * have different texts, or a difference would hide. A type without such a text (floats on MariaDB, intervals, LOBs,
 * anything unknown) makes the table compared in Java instead; so does any column whose type differs between the two
 * sides, since equal texts of different types (the text 'true' and the boolean true) are not equal values.
 */
final class RowHash {
    private final SQLDialect family;
    private final String rowHash;

    private RowHash(SQLDialect family, String rowHash) {
        this.family = family;
        this.rowHash = rowHash;
    }

    /** The same SQL for both sides, or why the table must be compared in Java. */
    static Plan plan(TableInfo t, DSLContext source, String sourceSchema, DSLContext target, String targetSchema) {
        SQLDialect family = source.dialect().family();
        if (family != target.dialect().family()) {
            return Plan.java("source is " + family + " and target " + target.dialect().family()
                    + ": their SQL texts of a value differ");
        }
        Map<String, String> sourceTypes = types(source, sourceSchema, t.name());
        Map<String, String> targetTypes = types(target, targetSchema, t.name());
        List<String> templates = new ArrayList<>();
        List<Boolean> freeText = new ArrayList<>();
        for (String column : t.columns()) {
            String type = sourceTypes.get(column);
            if (type == null || !type.equals(targetTypes.get(column))) {
                return Plan.java("column " + column + " is " + type + " on the source and " + targetTypes.get(column)
                        + " on the target");
            }
            Optional<String> text = text(family, type.substring(0, type.indexOf('|')));
            if (text.isEmpty()) return Plan.java("column " + column + " of type " + type + " has no exact SQL text");
            int i = templates.size();
            templates.add(text.get().replace("X", "{" + i + "}"));
            freeText.add(freeText(family, type.substring(0, type.indexOf('|'))));
        }
        return Plan.sql(new RowHash(family, rowHash(family, templates, freeText)));
    }

    /** The row hash, one value per row: select it in a derived table as {@code h}, then {@link #aggregate()} it. */
    Field<?> rowHash(List<Field<Object>> columns) {
        return DSL.field(rowHash, String.class, columns.toArray(new Object[0]));
    }

    /** The count and the two hash sums of a derived table's rows, each with its row hash as {@code h}. */
    List<Field<?>> aggregate() {
        Field<String> h = DSL.field(DSL.name("h"), String.class);
        return switch (family) {
            case POSTGRES -> List.of(DSL.count(),
                    DSL.field("sum(('x' || substr({0}, 1, 16))::bit(64)::bigint)", BigDecimal.class, h),
                    DSL.field("sum(('x' || substr({0}, 17, 16))::bit(64)::bigint)", BigDecimal.class, h));
            case MARIADB, MYSQL -> List.of(DSL.count(),
                    DSL.field("sum(cast(conv(substr({0}, 1, 16), 16, 10) as unsigned))", BigDecimal.class, h),
                    DSL.field("sum(cast(conv(substr({0}, 17, 16), 16, 10) as unsigned))", BigDecimal.class, h));
            default -> List.of(DSL.count(),
                    DSL.field("sum(cast(substring({0} from 1 for 8) as bigint))", BigDecimal.class, h),
                    DSL.field("sum(cast(substring({0} from 9 for 8) as bigint))", BigDecimal.class, h));
        };
    }

    /** PostgreSQL would fold the derived table into the aggregate and compute each row's MD5 twice. */
    boolean needsFence() {
        return family == SQLDialect.POSTGRES;
    }

    /**
     * Each column as a token that cannot run into the next: free text as {@code <length>:<text>} (NULL: {@code N}),
     * any other type, whose text never holds a comma, as {@code <text>,} (NULL: {@code N,}).
     */
    private static String rowHash(SQLDialect family, List<String> texts, List<Boolean> freeText) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            String t = texts.get(i);
            boolean free = freeText.get(i);
            parts.add(switch (family) {
                case POSTGRES -> free ? "coalesce(length(" + t + ") || ':' || " + t + ", 'N')"
                        : "coalesce(" + t + " || ',', 'N,')";
                case MARIADB, MYSQL -> free ? "coalesce(concat(char_length(" + t + "), ':', " + t + "), 'N')"
                        : "coalesce(concat(" + t + ", ','), 'N,')";
                default -> free ? "coalesce(char_length(" + t + ") || ':' || " + t + ", 'N')"
                        : "coalesce(" + t + " || ',', 'N,')";
            });
        }
        return switch (family) {
            case POSTGRES -> "md5(" + String.join(" || ", parts) + ")";
            case MARIADB, MYSQL -> "md5(concat(" + String.join(", ", parts) + "))";
            default -> "hash('MD5', " + String.join(" || ", parts) + ")";
        };
    }

    /** Types whose text may hold any character, a comma too: they are written with their length. */
    static boolean freeText(SQLDialect family, String dataType) {
        String type = dataType.toLowerCase(Locale.ROOT);
        return switch (family) {
            case POSTGRES -> Set.of("text", "character varying", "character", "json", "jsonb").contains(type);
            case MARIADB, MYSQL -> Set.of("char", "varchar", "tinytext", "text", "mediumtext", "longtext", "enum", "set")
                    .contains(type);
            default -> Set.of("character", "character varying", "varchar_ignorecase").contains(type);
        };
    }

    /**
     * A column's exact text ({@code X} stands for the column), independent of session settings: PostgreSQL's
     * DateStyle, TimeZone, extra_float_digits and bytea_output, MariaDB's time_zone, all change a plain cast's text.
     */
    static Optional<String> text(SQLDialect family, String dataType) {
        String type = dataType.toLowerCase(Locale.ROOT);
        String text = switch (family) {
            case POSTGRES -> switch (type) {
                case "smallint", "integer", "bigint", "boolean", "uuid", "json", "jsonb" -> "(X)::text";
                case "text", "character varying", "character" -> "(X)::text";
                case "numeric" -> "trim_scale(X)::text";
                case "real" -> "encode(float4send(X), 'hex')";
                case "double precision" -> "encode(float8send(X), 'hex')";
                case "bytea" -> "encode(X, 'hex')";
                case "date", "time without time zone", "timestamp without time zone", "timestamp with time zone" ->
                        "extract(epoch from X)::text";
                default -> null;
            };
            case MARIADB, MYSQL -> switch (type) {
                case "tinyint", "smallint", "mediumint", "int", "bigint", "decimal", "year", "date", "datetime", "time",
                     "uuid", "inet4", "inet6" -> "cast(X as char)";
                case "char", "varchar", "tinytext", "text", "mediumtext", "longtext", "enum", "set" ->
                        "convert(X using utf8mb4)";
                case "binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob" -> "hex(X)";
                case "timestamp" -> "cast(unix_timestamp(X) as char)";
                default -> null;
            };
            case H2 -> switch (type) {
                case "tinyint", "smallint", "integer", "bigint", "numeric", "decfloat", "boolean", "real",
                     "double precision", "date", "time", "timestamp", "timestamp with time zone", "uuid",
                     "character", "character varying", "varchar_ignorecase" -> "cast(X as varchar)";
                case "binary", "binary varying" -> "rawtohex(X)";
                default -> null;
            };
            default -> null;
        };
        return Optional.ofNullable(text);
    }

    /**
     * Each column's type as {@code data_type|the rest}: the data type, then what else decides its values' text
     * (precision, scale, character set, collation, MariaDB's full column type with {@code unsigned}).
     */
    private static Map<String, String> types(DSLContext db, String schema, String table) {
        Map<String, String> types = new HashMap<>();
        String actual = Catalog.actualSchema(db, schema);
        for (Record r : db.resultQuery("select * from information_schema.columns where table_schema = ? and table_name = ?",
                actual, table)) {
            Map<String, Object> c = new HashMap<>();
            for (int i = 0; i < r.size(); i++) c.put(r.field(i).getName().toLowerCase(Locale.ROOT), r.get(i));
            StringBuilder type = new StringBuilder().append(c.get("data_type")).append('|');
            for (String detail : List.of("column_type", "numeric_precision", "numeric_scale", "datetime_precision",
                    "character_maximum_length", "character_set_name", "collation_name", "udt_name")) {
                if (c.containsKey(detail)) type.append(detail).append('=').append(c.get(detail)).append(';');
            }
            types.put((String) c.get("column_name"), type.toString());
        }
        return types;
    }

    /** How a table's chunks are compared: by {@code hash} in SQL, or (hash null) in Java, for {@code reason}. */
    record Plan(RowHash hash, String reason) {
        static Plan sql(RowHash hash) {
            return new Plan(hash, null);
        }

        static Plan java(String reason) {
            return new Plan(null, reason);
        }
    }
}
