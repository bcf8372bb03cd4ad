package io.shardkit.query.differential;

import io.shardkit.cluster.ShardCluster;
import io.shardkit.cluster.ShardClusterBuilder;
import io.shardkit.cluster.config.ClusterConfig.DatabaseConfig;
import io.shardkit.cluster.config.ClusterConfig.PoolConfig;
import io.shardkit.router.ShardId;
import io.shardkit.test.EmbeddedShards;
import io.shardkit.test.Engine;
import io.shardkit.test.TestDatabase;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * The same orders and lines loaded over and over: all of them into one reference database, and split by the router
 * into each requested {@link Topology} — N shards on N databases, or N logical shards as schemas on fewer databases.
 * Every database is a fresh one on the engine's shared embedded server, so PostgreSQL and MariaDB run once per JVM
 * however many clusters there are.
 */
final class ShardedOrders implements AutoCloseable {
    /** Enough for a fan-out to use one connection per shard with room to spare; 15 databases stay far below max_connections. */
    private static final PoolConfig POOL = new PoolConfig(4, 1, null, null, null);

    /**
     * How a cluster lays its logical shards on databases.
     *
     * @param shards    logical shards
     * @param databases databases holding them; fewer than shards means each shard is a schema on a shared database
     */
    record Topology(int shards, int databases) {
        Topology {
            if (shards < 1 || databases < 1 || databases > shards || shards % databases != 0) {
                throw new IllegalArgumentException("shards must be a positive multiple of databases: " + shards + "/" + databases);
            }
        }

        static Topology shards(int n) {
            return new Topology(n, n);
        }

        static Topology schemas(int shards, int databases) {
            return new Topology(shards, databases);
        }

        boolean usesSchemas() {
            return databases < shards;
        }

        String label() {
            return usesSchemas() ? shards + " schemas on " + databases + " databases" : shards + " shards";
        }
    }

    private final EmbeddedShards databases;
    private final ShardCluster reference;
    private final Map<Topology, ShardCluster> clusters;
    private final Map<Topology, Map<ShardId, Integer>> spread;

    private ShardedOrders(EmbeddedShards databases, ShardCluster reference, Map<Topology, ShardCluster> clusters,
                          Map<Topology, Map<ShardId, Integer>> spread) {
        this.databases = databases;
        this.reference = reference;
        this.clusters = clusters;
        this.spread = spread;
    }

    /** As {@link #start(Engine, OrdersData, List)} with one cluster of N shards on N databases per count. */
    static ShardedOrders start(Engine engine, OrdersData data, int... shardCounts) {
        List<Topology> topologies = new ArrayList<>();
        for (int n : shardCounts) topologies.add(Topology.shards(n));
        return start(engine, data, topologies);
    }

    /** Starts {@code 1 + sum(databases)} databases and loads {@code data} into the reference and into each cluster. */
    static ShardedOrders start(Engine engine, OrdersData data, List<Topology> topologies) {
        int needed = 1;
        for (Topology t : topologies) needed += t.databases();
        EmbeddedShards dbs = EmbeddedShards.start(engine, needed);
        List<ShardCluster> opened = new ArrayList<>();
        try {
            ShardCluster reference = cluster(dbs.databases().subList(0, 1), Topology.shards(1), "ref", 0);
            opened.add(reference);
            Loader.load(reference, data);
            Map<Topology, ShardCluster> clusters = new LinkedHashMap<>();
            Map<Topology, Map<ShardId, Integer>> spread = new LinkedHashMap<>();
            int next = 1;
            for (int i = 0; i < topologies.size(); i++) {
                Topology t = topologies.get(i);
                // Alternate strategies so the harness is not tied to one router.
                ShardCluster c = cluster(dbs.databases().subList(next, next + t.databases()), t, "c" + i + "_", i);
                opened.add(c);
                clusters.put(t, c);
                spread.put(t, Loader.load(c, data));
                next += t.databases();
            }
            return new ShardedOrders(dbs, reference, Collections.unmodifiableMap(clusters), Collections.unmodifiableMap(spread));
        } catch (RuntimeException e) {
            opened.forEach(ShardedOrders::dropSchemasQuietly);
            opened.forEach(ShardCluster::close);
            dbs.close();
            throw e;
        }
    }

    private static ShardCluster cluster(List<TestDatabase> dbs, Topology t, String prefix, int variant) {
        ShardClusterBuilder b = ShardCluster.builder();
        for (int d = 0; d < dbs.size(); d++) {
            TestDatabase db = dbs.get(d);
            b.database(prefix + "db" + d, new DatabaseConfig(db.jdbcUrl(), db.username(), db.password(), null, POOL));
        }
        for (int s = 0; s < t.shards(); s++) {
            int d = s % dbs.size();
            if (t.usesSchemas()) {
                // On MariaDB a schema is a database of the same server, so its name must be unique server-wide: it
                // starts with the (unique) name of the database whose pool reaches it.
                b.shard("s" + s, prefix + "db" + d, dbs.get(d).name() + "_s" + s);
            } else {
                b.shard("s" + s, prefix + "db" + d);
            }
        }
        return (variant % 2 == 0 ? b.jump() : b.consistentHash(256)).build();
    }

    /** The single database holding every row, as a context. */
    DSLContext reference() {
        return reference.shards().getFirst().dsl();
    }

    ShardCluster cluster(int shards) {
        return cluster(Topology.shards(shards));
    }

    ShardCluster cluster(Topology t) {
        ShardCluster c = clusters.get(t);
        if (c == null) throw new IllegalArgumentException("no cluster " + t.label() + "; have " + clusters.keySet());
        return c;
    }

    /** The cluster layouts, in the order they were requested. */
    List<Topology> topologies() {
        return List.copyOf(clusters.keySet());
    }

    /** Orders per shard, by cluster layout. */
    Map<Topology, Map<ShardId, Integer>> spread() {
        return spread;
    }

    /** The schemas the loader created; on MariaDB they are databases the embedded server would otherwise keep. */
    private static void dropSchemasQuietly(ShardCluster c) {
        c.shards().forEach(s -> s.schema().ifPresent(schema -> {
            try {
                s.dsl().dropSchemaIfExists(DSL.name(schema)).cascade().execute();
            } catch (RuntimeException e) {
                try {
                    s.dsl().dropSchemaIfExists(DSL.name(schema)).execute();
                } catch (RuntimeException ignored) {
                    // best effort: the server's own databases are dropped below, and it stops at JVM exit
                }
            }
        }));
    }

    @Override
    public void close() {
        clusters.values().forEach(ShardedOrders::dropSchemasQuietly);
        clusters.values().forEach(ShardCluster::close);
        reference.close();
        databases.close();
    }
}
