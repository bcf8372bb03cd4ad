package io.shardkit.move;

import io.shardkit.cluster.config.ClusterConfig.ShardConfig;
import io.shardkit.cluster.topology.TopologyVersion;
import io.shardkit.move.MoveReport.Place;
import io.shardkit.move.copy.TableInfo;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;

/** A {@link MoveRequest} read against the newest topology version: what moves, from which place to which, and how. */
record ResolvedMove(MovedRows rows, Place from, Place to, MoveMode mode, TopologyVersion current) {

    static ResolvedMove of(MoveRequest request, TopologyVersion current, Databases databases) {
        var map = current.map();
        MovedRows rows;
        Place to;
        String shard;
        if (request.tenant() == null) {
            shard = request.shard();
            rows = new MovedRows(shard, null, null, null, null);
            to = new Place(request.to(), request.toSchema());
        } else {
            Object typed = MovedRows.typed(map, request.tenant().toString());
            ShardConfig target = map.shard(request.to());
            if (target == null) {
                throw new MoveRefusedException("no logical shard '" + request.to() + "' in topology version "
                        + current.version() + " — a tenant moves to a shard of the map; add it first");
            }
            shard = databases.configWith(map).router().shardFor(typed).value();
            if (shard.equals(request.to())) throw new MoveRefusedException("tenant " + typed + " is already on " + shard);
            rows = new MovedRows(shard, typed.toString(), request.keyColumn(), request.to(), typed);
            to = new Place(target.database(), target.schema());
        }
        ShardConfig placed = map.shard(shard);
        if (placed == null) {
            throw new MoveRefusedException("no logical shard '" + shard + "' in topology version " + current.version());
        }
        Place from = new Place(placed.database(), placed.schema());
        if (!databases.known(to.database())) {
            throw new MoveRefusedException("no database named '" + to.database() + "' in this configuration — add it"
                    + " to databases on every instance first");
        }
        boolean postgres = databases.dialect(from.database()) == SQLDialect.POSTGRES;
        MoveMode mode = request.mode() != null ? request.mode() : postgres ? MoveMode.ONLINE : MoveMode.BLOCK_WRITES;
        return new ResolvedMove(rows, from, to, mode, current);
    }

    /** Every check before a move changes anything; the tables that would move. */
    List<TableInfo> check(Databases databases) {
        List<TableInfo> tables = MoveChecks.check(databases, current.map(), rows, from, to);
        if (mode == MoveMode.ONLINE) MoveChecks.checkOnline(databases, rows, tables, from, to);
        return tables;
    }

    MovePlan plan(Databases databases, Duration pauseBudget) {
        List<TableInfo> tables = check(databases);
        DSLContext source = databases.dsl(from.database());
        Map<String, Long> counts = new LinkedHashMap<>();
        for (TableInfo t : tables) counts.put(t.name(), rows.pages(source, from.schema(), t).count());
        String what = rows.isTenant() ? "tenant " + rows.tenant() + " of " + rows.shard() : "shard " + rows.shard();
        String pause = mode == MoveMode.ONLINE
                ? "online: writes to " + what + " go on during the copy and the verify, and pause only for the cutover"
                        + " (at most " + pauseBudget.toMillis() + " ms, else the cutover is abandoned and they resume)"
                : "block-writes: writes to " + what + " are refused from the fence closing until the copy of "
                        + counts.values().stream().mapToLong(Long::longValue).sum() + " rows is verified and switched —"
                        + " the pause is the copy time; writers retry or fail";
        return new MovePlan(what, from, to, mode, counts, current.version(), pause);
    }
}
