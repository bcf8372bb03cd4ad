package io.shardkit.move;

import io.shardkit.cluster.config.ShardMap;
import io.shardkit.move.copy.KeysetPages;
import io.shardkit.move.copy.TableInfo;
import io.shardkit.router.ShardKeyType;
import java.util.Locale;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * What a job moves: a whole logical shard (every row of its schema), or one tenant — the rows whose shard-key column
 * holds the tenant's key, in every table of the shard's schema. The one place that knows the difference: the fence's
 * name and scope, the rows copied, compared and deleted, the publication's row filters and the next shard map.
 */
record MovedRows(String shard, String tenant, String keyColumn, String toShard, Object typedTenant) {

    static MovedRows of(MoveJob job, ShardMap map) {
        if (job.tenant() == null) return new MovedRows(job.shard(), null, null, null, null);
        return new MovedRows(job.shard(), job.tenant(), job.keyColumn(), job.toShard(), typed(map, job.tenant()));
    }

    /** A tenant's key as the map's key type reads it (a tenant move needs a key type: it publishes a pin). */
    static Object typed(ShardMap map, String tenant) {
        if (map.keyType() == null) {
            throw new MoveRefusedException("a tenant move pins the tenant's key to its new shard, and pins need a key"
                    + " type: set keyType (long, string or uuid) in shards.yml");
        }
        ShardKeyType type = ShardKeyType.parse(map.keyType());
        if (type != ShardKeyType.LONG && type != ShardKeyType.STRING && type != ShardKeyType.UUID) {
            throw new MoveRefusedException("tenant moves take long, string or uuid keys; this cluster's keys are "
                    + map.keyType());
        }
        try {
            return type.parseKey(tenant);
        } catch (RuntimeException e) {
            throw new MoveRefusedException("tenant '" + tenant + "' is not " + type.withArticle() + " key: " + e.getMessage());
        }
    }

    boolean isTenant() {
        return tenant != null;
    }

    /** The fence's name in the source schema's fence table. */
    String fenceName() {
        return isTenant() ? "tenant:" + tenant : "shard:" + shard;
    }

    /** The publication's, slot's and subscription's name. */
    String replicationName(long job) {
        return isTenant() ? "shardkit_move_tenant_" + job : "shardkit_move_" + shard;
    }

    /** The tenant's rows of {@code t} (its key column as the database spells it), or null for every row. */
    Condition filter(TableInfo t) {
        if (!isTenant()) return null;
        return DSL.field(DSL.quotedName(column(t))).eq(DSL.val(typedTenant));
    }

    /** The publication's row filter for {@code t} ({@code " where (...)"}), or "" for every row. */
    String rowFilter(DSLContext db, TableInfo t) {
        if (!isTenant()) return "";
        String value = typedTenant instanceof Number n ? n.toString() : "'" + tenant.replace("'", "''") + "'";
        return " where (" + db.render(DSL.quotedName(column(t))) + " = " + value + ")";
    }

    /** {@code t}'s key column as the database spells it, or null when {@code t} has none. */
    String column(TableInfo t) {
        for (String c : t.columns()) {
            if (c.toLowerCase(Locale.ROOT).equals(keyColumn.toLowerCase(Locale.ROOT))) return c;
        }
        return null;
    }

    KeysetPages pages(DSLContext db, String schema, TableInfo t) {
        return new KeysetPages(db, schema, t, filter(t));
    }

    /** The shard map after the move: the shard placed at its new place, or the tenant pinned to its new shard. */
    ShardMap next(ShardMap current, MoveReport.Place to) {
        return isTenant() ? current.withPin(tenant, toShard) : current.withPlacement(shard, to.database(), to.schema());
    }

    /** Whether {@code map} already routes what moves to its new place. */
    boolean arrived(ShardMap map, MoveReport.Place to) {
        if (isTenant()) return toShard.equals(map.pins().get(tenant));
        var placed = map.shard(shard);
        return placed != null && placed.database().equals(to.database()) && java.util.Objects.equals(placed.schema(), to.schema());
    }
}
