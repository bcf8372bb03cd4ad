package io.shardkit.move;

import io.shardkit.cluster.config.ClusterConfig.ShardConfig;
import io.shardkit.cluster.config.ShardMap;
import io.shardkit.move.MoveReport.Place;
import io.shardkit.move.copy.Catalog;
import io.shardkit.move.copy.TableInfo;
import io.shardkit.move.online.LogicalReplication;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jooq.DSLContext;

/** What must hold before a move changes anything; each refusal names its cause and what to do. */
final class MoveChecks {
    private MoveChecks() {
    }

    /** The shard's tables, after checking the places, the databases and every table. */
    static List<TableInfo> check(Databases databases, ShardMap map, MovedRows rows, Place from, Place to) {
        String shard = rows.shard();
        if (!databases.known(to.database())) {
            throw new MoveRefusedException("no database named '" + to.database() + "' in this configuration — add it"
                    + " to databases on every instance first");
        }
        if (from.database().equals(to.database()) && Objects.equals(from.schema(), to.schema())) {
            throw new MoveRefusedException((rows.isTenant() ? "tenant " + rows.tenant() + " of " + shard + " and "
                    + rows.toShard() + " are both on " : shard + " is already on ") + to);
        }
        for (ShardConfig other : rows.isTenant() ? List.<ShardConfig>of() : map.shards()) {
            if (other.id().equals(shard)) continue;
            if (other.database().equals(from.database()) && Objects.equals(other.schema(), from.schema())) {
                throw new MoveRefusedException(shard + " shares " + from + " with " + other.id() + " — a logical shard"
                        + " moves whole only from a schema or database of its own; move a tenant instead");
            }
            if (other.database().equals(to.database()) && Objects.equals(other.schema(), to.schema())) {
                throw new MoveRefusedException(to + " already holds " + other.id() + " — move " + shard + " into a"
                        + " schema of its own (toSchema)");
            }
        }
        if (databases.dialect(from.database()) != databases.dialect(to.database())) {
            throw new MoveRefusedException("move of " + what(rows) + ": " + from.database() + " is " + databases.dialect(from.database())
                    + " and " + to.database() + " is " + databases.dialect(to.database()) + " — a shard moves between"
                    + " databases of one kind");
        }
        List<TableInfo> tables = Catalog.tables(databases.dsl(from.database()), from.schema());
        DSLContext target = databases.dsl(to.database());
        String sourceVersion = Catalog.flywayVersion(databases.dsl(from.database()), from.schema());
        String targetVersion = Catalog.flywayVersion(target, to.schema());
        if (!Objects.equals(sourceVersion, targetVersion)) {
            throw new MoveRefusedException("move of " + what(rows) + ": " + from + " is at migration version "
                    + version(sourceVersion) + " but " + to + " is at " + version(targetVersion) + " — migrate the target"
                    + " to the shard's version first (shard-migrate, or ShardMigrator with target " + version(sourceVersion) + ")");
        }
        Map<String, TableInfo> targets = new LinkedHashMap<>();
        Catalog.tables(target, to.schema()).forEach(t -> targets.put(t.name(), t));
        for (TableInfo t : tables) {
            if (t.primaryKey().isEmpty()) {
                throw new MoveRefusedException("table " + t.name() + " of " + shard + " has no primary key — a move"
                        + " copies and verifies by key; add one");
            }
            if (rows.isTenant() && rows.column(t) == null) {
                throw new MoveRefusedException("table " + t.name() + " of " + shard + " has no column " + rows.keyColumn()
                        + " — a tenant move takes the tenant's rows of every table, and this table's cannot be told apart;"
                        + " add the column, or move the whole shard");
            }
            TableInfo there = targets.get(t.name());
            if (there == null || !there.columns().equals(t.columns())) {
                throw new MoveRefusedException("table " + t.name() + " is " + (there == null ? "missing" : "different")
                        + " on " + to + " — migrate the target to the shard's version first (shard-migrate)");
            }
            if (rows.pages(target, to.schema(), t).count() > 0) {
                throw new MoveRefusedException("table " + t.name() + " on " + to + (rows.isTenant() ? " already holds rows"
                        + " of tenant " + rows.tenant() + " — delete them, or move the tenant elsewhere"
                        : " is not empty — a move copies into empty tables"));
            }
        }
        return tables;
    }

    /**
     * An online move needs PostgreSQL on both sides and logical WAL on the source; a tenant's, the key column in each
     * table's replica identity (a row filter may only name those columns when updates and deletes are published).
     */
    static void checkOnline(Databases databases, MovedRows rows, List<TableInfo> tables, Place from, Place to) {
        if (databases.dialect(from.database()) != org.jooq.SQLDialect.POSTGRES) {
            throw new MoveRefusedException("move of " + what(rows) + ": " + databases.dialect(from.database())
                    + " has no online move — use MoveMode.BLOCK_WRITES");
        }
        DSLContext source = databases.dsl(from.database());
        String why = new LogicalReplication(source, databases.dsl(to.database()), "check").cannotPublish();
        if (why != null) throw new MoveRefusedException("move of " + what(rows) + ": " + why);
        if (!rows.isTenant()) return;
        String schema = io.shardkit.move.copy.Catalog.actualSchema(source, from.schema());
        for (TableInfo t : tables) {
            String identity = source.fetchValue(org.jooq.impl.DSL.field("(select c.relreplident::text from pg_class c"
                    + " join pg_namespace n on n.oid = c.relnamespace where n.nspname = {0} and c.relname = {1})",
                    String.class, org.jooq.impl.DSL.val(schema), org.jooq.impl.DSL.val(t.name())));
            boolean inIdentity = "f".equals(identity) || ("d".equals(identity) && t.primaryKey().contains(rows.column(t)));
            if (!inIdentity) {
                throw new MoveRefusedException("table " + t.name() + ": " + rows.column(t) + " is not in its replica"
                        + " identity (its primary key" + ("d".equals(identity) ? " " + t.primaryKey() : ", replica identity "
                        + identity) + ") — an online tenant move filters the replicated rows by it: add it to the primary"
                        + " key, set REPLICA IDENTITY FULL, or move in block-writes mode");
            }
        }
    }

    private static String version(String v) {
        return v == null ? "none (no flyway_schema_history)" : v;
    }

    private static String what(MovedRows rows) {
        return rows.isTenant() ? "tenant " + rows.tenant() + " of " + rows.shard() : "shard " + rows.shard();
    }
}
