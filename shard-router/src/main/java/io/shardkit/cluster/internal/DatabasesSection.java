package io.shardkit.cluster.internal;

import io.shardkit.cluster.config.ClusterConfig.DatabaseConfig;
import io.shardkit.cluster.config.ClusterConfig.ReplicaConfig;
import io.shardkit.cluster.config.ClusterConfig;
import io.shardkit.cluster.internal.ClusterPlan.Database;
import io.shardkit.cluster.internal.ClusterPlan.Placement;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jooq.SQLDialect;

/** The {@code databases:} section: each database's URL, dialect, pool and replicas. */
final class DatabasesSection {
    private DatabasesSection() {
    }

    /** The databases whose dialect is known, by name; a database with a problem is left out. */
    static Map<String, Database> read(ClusterConfig config, Problems problems) {
        Map<String, Database> out = new LinkedHashMap<>();
        if (config.databases().isEmpty()) {
            problems.add("databases: none declared — declare at least one, e.g. db0: { url: jdbc:postgresql://host/app0 }");
        }
        config.databases().forEach((name, db) -> {
            String p = "databases." + name;
            if (db == null) {
                problems.add(p + ": empty — give it at least a url");
                return;
            }
            if (db.url() == null || db.url().isBlank()) {
                problems.add(p + ".url: missing — set the JDBC URL, e.g. jdbc:postgresql://host:5432/app");
                return;
            }
            SQLDialect dialect = Dialects.of(p, db, problems);
            PoolSettings.check(p + ".pool", db.pool(), problems);
            replicas(p, db, dialect, problems);
            if (dialect != null) out.put(name, new Database(name, db, dialect));
        });
        return out;
    }

    private static void replicas(String p, DatabaseConfig db, SQLDialect dialect, Problems problems) {
        for (int i = 0; i < db.replicas().size(); i++) {
            ReplicaConfig r = db.replicas().get(i);
            String rp = p + ".replicas[" + i + "]";
            if (r == null || r.url() == null || r.url().isBlank()) {
                problems.add(rp + ".url: missing — set the replica's JDBC URL");
                continue;
            }
            PoolSettings.check(rp + ".pool", r.pool(), problems);
            SQLDialect replicaDialect = Dialects.of(rp, new DatabaseConfig(r.url(), null, null, db.dialect(), null), problems);
            if (dialect != null && replicaDialect != null && replicaDialect != dialect) {
                problems.add(rp + ".url: a " + replicaDialect + " replica of a " + dialect
                        + " database — a replica must run the same database as its primary");
            }
            if (r.url().equals(db.url())) {
                problems.add(rp + ".url: the same URL as the primary — reads would not be offloaded; remove the replica");
            }
        }
    }

    /** Warns of each database no shard is placed on. */
    static void warnUnused(Map<String, Database> databases, Collection<Placement> placements,
                           ClusterConfig.TopologyConfig topology, Problems problems) {
        for (String db : databases.keySet()) {
            if (topology != null && db.equals(topology.store())) continue; // the control database
            if (placements.stream().noneMatch(p -> p.database().equals(db))) {
                problems.warn("databases." + db + ": no shard uses this database — remove it or place a shard on it");
            }
        }
    }
}
