package io.shardkit.query.differential;

import io.shardkit.router.ShardCluster;
import io.shardkit.router.ShardId;
import io.shardkit.router.config.ClusterConfig.DatabaseConfig;
import io.shardkit.router.config.ClusterConfig.PoolConfig;
import io.shardkit.test.EmbeddedShards;
import io.shardkit.test.Engine;
import io.shardkit.test.TestDatabase;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;

/**
 * The same orders loaded twice over: all of them into one reference database, and split by the router into each
 * requested cluster (e.g. 4 and 8 shards). Every database is a fresh one on the engine's shared embedded server, so
 * PostgreSQL runs once per JVM however many clusters there are.
 */
final class ShardedOrders implements AutoCloseable {
    /** Enough for a fan-out to use one connection per shard with room to spare; 13 databases stay far below max_connections. */
    private static final PoolConfig POOL = new PoolConfig(4, 1, null, null, null);

    private final EmbeddedShards databases;
    private final ShardCluster reference;
    private final Map<Integer, ShardCluster> clusters;
    private final Map<Integer, Map<ShardId, Integer>> spread;

    private ShardedOrders(EmbeddedShards databases, ShardCluster reference, Map<Integer, ShardCluster> clusters,
                          Map<Integer, Map<ShardId, Integer>> spread) {
        this.databases = databases;
        this.reference = reference;
        this.clusters = clusters;
        this.spread = spread;
    }

    /** Starts {@code 1 + sum(shardCounts)} databases and loads {@code data} into the reference and into each cluster. */
    static ShardedOrders start(Engine engine, OrdersData data, int... shardCounts) {
        int needed = 1;
        for (int n : shardCounts) {
            if (n < 1) throw new IllegalArgumentException("shard counts must be positive: " + java.util.Arrays.toString(shardCounts));
            needed += n;
        }
        EmbeddedShards dbs = EmbeddedShards.start(engine, needed);
        List<ShardCluster> opened = new ArrayList<>();
        try {
            ShardCluster reference = cluster(dbs.databases().subList(0, 1), "ref", 0);
            opened.add(reference);
            Loader.load(reference, data.orders());
            Map<Integer, ShardCluster> clusters = new LinkedHashMap<>();
            Map<Integer, Map<ShardId, Integer>> spread = new LinkedHashMap<>();
            int next = 1;
            for (int i = 0; i < shardCounts.length; i++) {
                int n = shardCounts[i];
                // Alternate strategies so the harness is not tied to one router.
                ShardCluster c = cluster(dbs.databases().subList(next, next + n), "c" + n + "_", i);
                opened.add(c);
                clusters.put(n, c);
                spread.put(n, Loader.load(c, data.orders()));
                next += n;
            }
            return new ShardedOrders(dbs, reference, java.util.Collections.unmodifiableMap(clusters),
                    java.util.Collections.unmodifiableMap(spread));
        } catch (RuntimeException e) {
            opened.forEach(ShardCluster::close);
            dbs.close();
            throw e;
        }
    }

    private static ShardCluster cluster(List<TestDatabase> dbs, String prefix, int variant) {
        ShardCluster.Builder b = ShardCluster.builder();
        for (int i = 0; i < dbs.size(); i++) {
            TestDatabase db = dbs.get(i);
            b.database(prefix + "db" + i, new DatabaseConfig(db.jdbcUrl(), db.username(), db.password(), null, POOL))
                    .shard("s" + i, prefix + "db" + i);
        }
        return (variant % 2 == 0 ? b.jump() : b.consistentHash(256)).build();
    }

    /** The single database holding every order, as a context. */
    DSLContext reference() {
        return reference.shards().getFirst().dsl();
    }

    ShardCluster cluster(int shards) {
        ShardCluster c = clusters.get(shards);
        if (c == null) throw new IllegalArgumentException("no cluster of " + shards + " shards; have " + clusters.keySet());
        return c;
    }

    /** The cluster sizes, in the order they were requested. */
    List<Integer> shardCounts() {
        return List.copyOf(clusters.keySet());
    }

    /** Orders per shard, by cluster size. */
    Map<Integer, Map<ShardId, Integer>> spread() {
        return spread;
    }

    @Override
    public void close() {
        clusters.values().forEach(ShardCluster::close);
        reference.close();
        databases.close();
    }
}
