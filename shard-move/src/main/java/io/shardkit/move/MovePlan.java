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
final class MovePlan {
    private MovePlan() {
    }

    /** The shard's tables, after checking the places, the databases and every table. */
    static List<TableInfo> check(Databases databases, ShardMap map, String shard, Place from, Place to) {
        if (!databases.known(to.database())) {
            throw new MoveRefusedException("no database named '" + to.database() + "' in this configuration — add it"
                    + " to databases on every instance first");
        }
        if (from.database().equals(to.database()) && Objects.equals(from.schema(), to.schema())) {
            throw new MoveRefusedException(shard + " is already on " + to);
        }
        for (ShardConfig other : map.shards()) {
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
            throw new MoveRefusedException("move " + shard + ": " + from.database() + " is " + databases.dialect(from.database())
                    + " and " + to.database() + " is " + databases.dialect(to.database()) + " — a shard moves between"
                    + " databases of one kind");
        }
        List<TableInfo> tables = Catalog.tables(databases.dsl(from.database()), from.schema());
        DSLContext target = databases.dsl(to.database());
        Map<String, TableInfo> targets = new LinkedHashMap<>();
        Catalog.tables(target, to.schema()).forEach(t -> targets.put(t.name(), t));
        for (TableInfo t : tables) {
            if (t.primaryKey().isEmpty()) {
                throw new MoveRefusedException("table " + t.name() + " of " + shard + " has no primary key — a move"
                        + " copies and verifies by key; add one");
            }
            TableInfo there = targets.get(t.name());
            if (there == null || !there.columns().equals(t.columns())) {
                throw new MoveRefusedException("table " + t.name() + " is " + (there == null ? "missing" : "different")
                        + " on " + to + " — migrate the target to the shard's version first (shard-migrate)");
            }
            if (target.fetchExists(MoveRun.pages(target, to, t).table())) {
                throw new MoveRefusedException("table " + t.name() + " on " + to + " is not empty — a move copies into"
                        + " empty tables");
            }
        }
        return tables;
    }

    /** An online move needs PostgreSQL on both sides and logical WAL on the source. */
    static void checkOnline(Databases databases, String shard, Place from, Place to) {
        if (databases.dialect(from.database()) != org.jooq.SQLDialect.POSTGRES) {
            throw new MoveRefusedException("move " + shard + ": " + databases.dialect(from.database()) + " has no online"
                    + " move — use MoveMode.BLOCK_WRITES");
        }
        String why = new LogicalReplication(databases.dsl(from.database()), databases.dsl(to.database()), "check").cannotPublish();
        if (why != null) throw new MoveRefusedException("move " + shard + ": " + why);
    }
}
