package io.shardkit.cluster.internal;

import io.shardkit.cluster.config.ClusterConfig;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code tables:} section: tables that are not plain sharded tables, today reference tables
 * ({@code currency: { reference: true }}). Names are compared as the databases fold unquoted names: without case.
 */
final class TablesSection {
    /** A plain, unquoted SQL name: the table lives in each shard's own schema, so no schema prefix. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*");

    private TablesSection() {
    }

    /** The reference tables' names as declared, in declaration order; none when the section is absent. */
    static Set<String> referenceTables(ClusterConfig config, Problems problems) {
        Set<String> reference = new LinkedHashSet<>();
        Map<String, String> seen = new HashMap<>(); // folded name → the spelling declared first
        config.tables().forEach((name, table) -> {
            String p = "tables." + name;
            if (!NAME.matcher(name).matches()) {
                problems.add(p + ": not a plain table name — write the table's unquoted name (letters, digits, '_'),"
                        + " without a schema: every shard's schema holds its own copy");
                return;
            }
            String earlier = seen.putIfAbsent(name.toLowerCase(Locale.ROOT), name);
            if (earlier != null) {
                problems.add(p + ": the same table as tables." + earlier + " (names are compared without case, as the"
                        + " databases fold them) — keep one entry");
                return;
            }
            if (table == null || table.reference() == null) {
                problems.add(p + ".reference: missing — write reference: true for a table every shard holds whole,"
                        + " or remove the entry");
                return;
            }
            if (table.reference()) reference.add(name);
        });
        return Collections.unmodifiableSet(reference);
    }
}
