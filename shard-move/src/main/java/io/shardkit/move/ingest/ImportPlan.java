package io.shardkit.move.ingest;

import io.shardkit.cluster.topology.TopologyVersion;
import io.shardkit.move.MoveRefusedException;
import io.shardkit.move.MoveReport.Place;
import io.shardkit.move.copy.Catalog;
import io.shardkit.move.copy.KeysetPages;
import io.shardkit.move.copy.TableInfo;
import io.shardkit.router.ShardException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * What must hold before an import changes anything, checked in full; each refusal names its cause (the database,
 * table, column or shard) and what to do.
 *
 * @param tables     the source's tables to import, in copy order
 * @param keyColumns each table's key column, spelled as the database reports it
 */
record ImportPlan(Place from, List<TableInfo> tables, Map<String, String> keyColumns, Routing routing) {
    /** Shardkit's and Flyway's own tables, never imported (the fence table is left out by {@link Catalog} already). */
    private static boolean ours(String table) {
        String t = table.toLowerCase(Locale.ROOT);
        return t.startsWith("shardkit_") || t.equals("flyway_schema_history");
    }

    /**
     * @param tableNames the tables asked for; empty for every table of the schema
     * @param version    the topology version to route by
     * @param resuming   the job's own rows may be on the shards already (a resumed import), and its keys were checked
     */
    static ImportPlan check(ImportContext ctx, Place from, String keyColumn, List<String> tableNames,
                            TopologyVersion version, boolean resuming) {
        if (!ctx.known().test(from.database())) {
            throw new MoveRefusedException("no database named '" + from.database() + "' in this configuration — add the"
                    + " database to import to databases in shards.yml");
        }
        Routing routing = Routing.of(ctx.config(), version);
        for (Place p : routing.places()) {
            if (p.database().equals(from.database()) && Objects.equals(p.schema(), from.schema())) {
                throw new MoveRefusedException(from + " holds shard " + routing.label(p) + " in topology version "
                        + version.version() + " — an import copies a database outside the cluster into it");
            }
        }
        DSLContext source = ctx.dsl().apply(from.database());
        SQLDialect kind = source.dialect().family();
        for (Place p : routing.places()) {
            SQLDialect there = ctx.dsl().apply(p.database()).dialect().family();
            if (there != kind) {
                throw new MoveRefusedException("import " + from + ": it is " + kind + " and shard " + routing.label(p)
                        + "'s database " + p.database() + " is " + there + " — an import copies between databases of one kind");
            }
        }
        List<TableInfo> tables = tables(source, from, tableNames);
        Map<String, String> keyColumns = new LinkedHashMap<>();
        for (TableInfo t : tables) {
            if (t.primaryKey().isEmpty()) {
                throw new MoveRefusedException("table " + t.name() + " of " + from + " has no primary key — an import"
                        + " copies, resumes and verifies by key; add one, or leave the table out (--table)");
            }
            String column = t.columns().stream().filter(c -> c.equalsIgnoreCase(keyColumn)).findFirst()
                    .orElseThrow(() -> new MoveRefusedException("table " + t.name() + " of " + from + " has no column "
                            + keyColumn + " — its rows cannot be routed to a shard; add the key column, or leave the"
                            + " table out (--table)"));
            keyColumns.put(t.name(), column);
        }
        for (Place p : routing.places()) checkShard(ctx.dsl().apply(p.database()), p, routing.label(p), tables, resuming);
        if (!resuming) {
            for (TableInfo t : tables) checkKeys(source, from, t, keyColumns.get(t.name()), routing);
        }
        return new ImportPlan(from, tables, keyColumns, routing);
    }

    private static List<TableInfo> tables(DSLContext source, Place from, List<String> names) {
        List<TableInfo> all = Catalog.tables(source, from.schema());
        if (names.isEmpty()) {
            List<TableInfo> data = all.stream().filter(t -> !ours(t.name())).toList();
            if (data.isEmpty()) throw new MoveRefusedException(from + " has no table to import");
            return data;
        }
        List<TableInfo> chosen = new ArrayList<>();
        for (String name : names) {
            TableInfo t = all.stream().filter(i -> i.name().equals(name)).findFirst()
                    .or(() -> all.stream().filter(i -> i.name().equalsIgnoreCase(name)).findFirst())
                    .orElseThrow(() -> new MoveRefusedException("no table " + name + " in " + from));
            if (ours(t.name())) throw new MoveRefusedException("table " + t.name() + " is Shardkit's or Flyway's own — not imported");
            if (!chosen.contains(t)) chosen.add(t);
        }
        chosen.sort(java.util.Comparator.comparing(TableInfo::name));
        return chosen;
    }

    /** Each table exists at the shard's place with the same columns, and (unless resuming) is empty. */
    private static void checkShard(DSLContext shard, Place place, String label, List<TableInfo> tables, boolean resuming) {
        Map<String, TableInfo> there = new LinkedHashMap<>();
        Catalog.tables(shard, place.schema()).forEach(t -> there.put(t.name(), t));
        for (TableInfo t : tables) {
            TableInfo mine = there.get(t.name());
            if (mine == null || !mine.columns().equals(t.columns())) {
                throw new MoveRefusedException("table " + t.name() + " is " + (mine == null ? "missing" : "different ("
                        + mine.columns() + " there, " + t.columns() + " here)") + " on " + place + " (shard " + label
                        + ") — migrate every shard to the source's schema first (shard-migrate)");
            }
            if (!resuming && shard.fetchExists(new KeysetPages(shard, place.schema(), t, null).table())) {
                throw new MoveRefusedException("table " + t.name() + " on " + place + " (shard " + label + ") is not empty"
                        + " — an import fills empty tables; empty it, or resume the import that filled it");
            }
        }
    }

    /** No row without a key (it has no shard), and the first key converts to the cluster's key type. */
    private static void checkKeys(DSLContext source, Place from, TableInfo t, String column, Routing routing) {
        var table = new KeysetPages(source, from.schema(), t, null).table();
        var key = DSL.field(DSL.quotedName(column));
        int nulls = source.fetchCount(table, key.isNull());
        if (nulls > 0) {
            throw new MoveRefusedException("table " + t.name() + " of " + from + ": " + nulls + " rows have no " + column
                    + " (NULL) — a row without a key has no shard; give them keys or delete them, then import");
        }
        Record first = source.select(key).from(table).limit(1).fetchOne();
        if (first == null) return;
        try {
            routing.shardOf(first.get(0), t.name(), column);
        } catch (ShardException e) {
            throw new MoveRefusedException(e.getMessage());
        }
    }
}
