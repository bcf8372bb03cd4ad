package io.shardkit.bench.faults;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.table;

import io.shardkit.cluster.ShardCluster;
import io.shardkit.cluster.config.ClusterConfig;
import io.shardkit.cluster.config.ClusterConfig.DatabaseConfig;
import io.shardkit.cluster.config.ClusterConfig.PoolConfig;
import io.shardkit.cluster.config.ClusterConfig.ReadsConfig;
import io.shardkit.cluster.config.ClusterConfig.ReplicaConfig;
import io.shardkit.cluster.config.ClusterConfig.ShardConfig;
import io.shardkit.cluster.config.ClusterConfig.StrategyConfig;
import io.shardkit.router.ShardId;
import io.shardkit.test.ReplicatedPostgres;
import io.shardkit.test.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jooq.Field;
import org.jooq.Table;

/**
 * Four shards, each a PostgreSQL server of its own with one streaming replica, so that killing or stopping one
 * server touches one shard only; and a Shardkit cluster over them, shard {@code s<i>} on database {@code db<i>}, with
 * a connection timeout, a statement timeout and read settings from {@link FaultSettings}.
 */
final class FaultCluster implements AutoCloseable {
    static final Table<?> ORDERS = table(name("orders"));
    static final Field<Long> ID = field(name("id"), Long.class);
    static final Field<Long> CUSTOMER = field(name("customer_id"), Long.class);
    static final Field<Long> AMOUNT = field(name("amount"), Long.class);
    static final Field<Integer> VERSION = field(name("version"), Integer.class);

    final List<ReplicatedPostgres> servers;
    private final ClusterConfig config;
    /** A new cluster per run, so each run ends with a close() whose leftovers can be checked. */
    ShardCluster cluster;
    final List<ShardId> shards;

    private FaultCluster(List<ReplicatedPostgres> servers, ClusterConfig config) {
        this.servers = servers;
        this.config = config;
        this.cluster = open(config);
        this.shards = cluster.shards().stream().map(s -> s.id()).toList();
    }

    private boolean clusterClosed;

    private static ShardCluster open(ClusterConfig config) {
        ShardCluster cluster = ShardCluster.create(config);
        cluster.repository(OrderWrites.class, OrderWrites.Jooq::new);
        return cluster;
    }

    /** A new cluster on the same servers once the last one was closed by {@link #closeCluster()}. */
    void ensureOpen() {
        if (!clusterClosed) return;
        cluster = open(config);
        clusterClosed = false;
    }

    /** Closes the cluster only (its pools, probes and threads); the servers keep running. */
    void closeCluster() {
        cluster.close();
        clusterClosed = true;
    }

    static FaultCluster start(int shardCount, FaultSettings s) {
        List<CompletableFuture<ReplicatedPostgres>> starting = new ArrayList<>();
        for (int i = 0; i < shardCount; i++) starting.add(CompletableFuture.supplyAsync(() -> ReplicatedPostgres.start(1, 1)));
        List<ReplicatedPostgres> servers = new ArrayList<>();
        RuntimeException failure = null;
        for (CompletableFuture<ReplicatedPostgres> f : starting) {
            try {
                servers.add(f.join());
            } catch (RuntimeException e) {
                if (failure == null) failure = e; else failure.addSuppressed(e);
            }
        }
        if (failure != null) {
            servers.forEach(ReplicatedPostgres::close);
            throw failure;
        }
        try {
            FaultCluster c = new FaultCluster(List.copyOf(servers), config(servers, s));
            c.createSchema();
            return c;
        } catch (RuntimeException e) {
            servers.forEach(ReplicatedPostgres::close);
            throw e;
        }
    }

    private static ClusterConfig config(List<ReplicatedPostgres> servers, FaultSettings s) {
        PoolConfig pool = new PoolConfig(s.poolSize(), s.poolSize(), s.connectionTimeout().toMillis(), null, null,
                s.statementTimeout().toMillis());
        Map<String, DatabaseConfig> databases = new LinkedHashMap<>();
        List<ShardConfig> shards = new ArrayList<>();
        for (int i = 0; i < servers.size(); i++) {
            TestDatabase p = servers.get(i).primaries().getFirst();
            TestDatabase r = servers.get(i).replicas().getFirst();
            databases.put("db" + i, new DatabaseConfig(p.jdbcUrl(), p.username(), p.password(), null, pool,
                    List.of(new ReplicaConfig(r.jdbcUrl(), r.username(), r.password(), pool))));
            shards.add(new ShardConfig("s" + i, "db" + i, null, null));
        }
        ReadsConfig reads = new ReadsConfig(s.maxReplicaLag().toMillis(), s.lagCheckInterval().toMillis(),
                s.retryFailedReplica().toMillis(), 0L);
        return new ClusterConfig(databases, shards, new StrategyConfig("jump", null, null, null), "long", Map.of(), reads);
    }

    private void createSchema() {
        for (ShardId shard : shards) {
            cluster.dsl(shard).execute("create table orders (id bigint primary key, customer_id bigint not null,"
                    + " amount bigint not null, version int not null)");
        }
        awaitReplicas();
    }

    /** Empties the table on every shard, between runs. */
    void truncate() {
        for (ShardId shard : shards) cluster.dsl(shard).execute("truncate orders");
        awaitReplicas();
    }

    void awaitReplicas() {
        servers.forEach(pg -> pg.awaitReplayCaughtUp(Duration.ofSeconds(30)));
    }

    /** The first customer the router places on shard {@code index}. */
    long customerOn(int index) {
        for (long key = 0; ; key++) {
            if (indexOf(cluster.shardFor(key)) == index) return key;
        }
    }

    int indexOf(ShardId shard) {
        return shards.indexOf(shard);
    }

    ReplicatedPostgres server(int shard) {
        return servers.get(shard);
    }

    @Override
    public void close() {
        try {
            if (!clusterClosed) cluster.close();
        } finally {
            servers.forEach(ReplicatedPostgres::close);
        }
    }
}
