package io.shardkit.move.copy;

import java.util.ArrayList;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * Brings the target's generated keys past the rows a move copied there. Neither logical replication nor a copy of
 * explicit values moves a sequence, so without this the target's next generated id would collide with a copied
 * row. Found before the cutover; advanced during it, while the fence holds the source still.
 */
public final class Sequences {
    /** A serial or identity column, and its sequence on PostgreSQL. */
    public record Generator(String table, String column, String qualifiedTable, String sequence) {
    }

    private Sequences() {
    }

    /**
     * The serial and identity columns of {@code tables} in {@code schema} of {@code target}. None on MariaDB: InnoDB
     * moves AUTO_INCREMENT past every value inserted.
     */
    public static List<Generator> find(DSLContext target, String schema, List<TableInfo> tables) {
        List<Generator> found = new ArrayList<>();
        String actual = Catalog.actualSchema(target, schema);
        for (TableInfo t : tables) {
            String qualified = target.render(DSL.name(DSL.quotedName(actual), DSL.quotedName(t.name())));
            for (String column : t.columns()) {
                switch (target.dialect().family()) {
                    case POSTGRES -> {
                        String sequence = target.fetchValue(DSL.field("pg_get_serial_sequence({0}, {1})", String.class,
                                DSL.val(qualified), DSL.val(column)));
                        if (sequence != null) found.add(new Generator(t.name(), column, qualified, sequence));
                    }
                    case H2 -> {
                        String identity = target.resultQuery("select is_identity from information_schema.columns where"
                                + " table_schema = ? and table_name = ? and column_name = ?", actual, t.name(), column)
                                .fetchOne(0, String.class);
                        if ("YES".equals(identity)) found.add(new Generator(t.name(), column, qualified, null));
                    }
                    default -> {
                        return found;
                    }
                }
            }
        }
        return found;
    }

    /** Advances each generator to at least its column's greatest value on {@code target}. */
    public static void advance(DSLContext target, List<Generator> generators) {
        for (Generator g : generators) {
            String c = target.render(DSL.quotedName(g.column()));
            if (g.sequence() != null) {
                target.execute("select setval(?::regclass, greatest((select coalesce(max(" + c + "), 0) from "
                        + g.qualifiedTable() + "), (select last_value from " + g.sequence() + "), 1))", g.sequence());
            } else {
                Long max = target.resultQuery("select max(" + c + ") from " + g.qualifiedTable()).fetchOne(0, Long.class);
                if (max != null) target.execute("alter table " + g.qualifiedTable() + " alter column " + c + " restart with " + (max + 1));
            }
        }
    }
}
