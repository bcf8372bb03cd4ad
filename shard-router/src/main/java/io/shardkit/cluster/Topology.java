package io.shardkit.cluster;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.shardkit.cluster.config.ClusterConfig.DatabaseConfig;
import io.shardkit.cluster.config.ClusterConfig.PoolConfig;
import io.shardkit.cluster.config.ClusterConfig.ReplicaConfig;
import io.shardkit.cluster.internal.ClusterPlan;
import io.shardkit.cluster.config.JdbcUrls;
import io.shardkit.router.ShardException;
import io.shardkit.router.ShardId;
import io.shardkit.router.ShardRouter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.Configuration;
import org.jooq.ConnectionProvider;
import org.jooq.DSLContext;
import org.jooq.ExecuteContext;
import org.jooq.ExecuteListener;
import org.jooq.SQLDialect;
import org.jooq.conf.MappedSchema;
import org.jooq.conf.RenderMapping;
import org.jooq.conf.Settings;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;

/**
 * Router, pools and shards of one configuration: built as a unit, swapped as a unit, never mutated. One HikariCP
 * pool per physical database and per replica, shared by every logical shard on it.
 */
final class Topology {

    /** A pool and the configuration it was opened with, so an unchanged one can be kept across a swap. */
    private record Pool(String name, Object config, Object connection, HikariDataSource dataSource) {
    }

    final ShardRouter router;
    final ReadPolicy reads;
    final Map<ShardId, ShardNode> nodes;
    final List<Shard> ordered;
    final java.util.Set<String> referenceTables;
    private final Map<String, Pool> primaries;
    private final Map<String, Pool> replicas;        // keyed "db0/replica-0"
    private final Map<String, ReplicaPool> replicaPools;
    /** Settings HikariCP changes on a running pool, to apply to kept pools once this topology goes live. */
    private final List<Runnable> liveChanges;

    private Topology(ShardRouter router, ReadPolicy reads, Map<ShardId, ShardNode> nodes, List<Shard> ordered,
                     java.util.Set<String> referenceTables, Map<String, Pool> primaries, Map<String, Pool> replicas, Map<String, ReplicaPool> replicaPools,
                     List<Runnable> liveChanges) {
        this.router = router;
        this.reads = reads;
        this.nodes = nodes;
        this.ordered = ordered;
        this.referenceTables = referenceTables;
        this.primaries = primaries;
        this.replicas = replicas;
        this.replicaPools = replicaPools;
        this.liveChanges = liveChanges;
    }

    /** What a topology reports to, and the cluster's name that prefixes its pool names. */
    record Instruments(String cluster, ClusterMetrics metrics) {
    }

    /** Opens what {@code plan} needs, reusing the pools of {@code previous} whose configuration is unchanged. */
    static Topology open(ClusterPlan plan, Configuration jooq, Instruments instruments, Topology previous) {
        Map<String, Pool> oldPrimaries = previous == null ? Map.of() : previous.primaries;
        Map<String, Pool> oldReplicas = previous == null ? Map.of() : previous.replicas;
        Map<String, Pool> primaries = new LinkedHashMap<>();
        Map<String, Pool> replicas = new LinkedHashMap<>();
        try {
            return open(plan, jooq, instruments, previous, primaries, replicas);
        } catch (Throwable e) {
            // Whatever failed, and wherever (a later pool, a driver's Error, a context): no new pool stays open.
            closeNew(primaries, oldPrimaries, e);
            closeNew(replicas, oldReplicas, e);
            throw e;
        }
    }

    /** Opens into {@code primaries} and {@code replicas} as it goes, so the caller can close them on failure. */
    private static Topology open(ClusterPlan plan, Configuration jooq, Instruments instruments, Topology previous,
                                 Map<String, Pool> primaries, Map<String, Pool> replicas) {
        ClusterMetrics metrics = instruments.metrics();
        Map<String, Pool> oldPrimaries = previous == null ? Map.of() : previous.primaries;
        Map<String, Pool> oldReplicas = previous == null ? Map.of() : previous.replicas;
        List<Runnable> liveChanges = new ArrayList<>();
        for (ClusterPlan.Database db : plan.databases().values()) {
            DatabaseConfig c = db.config();
            // The primary's config without its replica list: adding a replica must not reopen the primary.
            DatabaseConfig primaryConfig = new DatabaseConfig(c.url(), c.username(), c.password(), c.dialect(), c.pool());
            primaries.put(db.name(), reuseOrOpen(oldPrimaries.get(db.name()), db.name(), primaryConfig,
                    new DatabaseConfig(c.url(), c.username(), c.password(), c.dialect(), fixedAtOpen(c.pool())), c.pool(),
                    false, liveChanges, () -> openPool(instruments.cluster() + "-" + db.name(), db.name(), c.url(),
                            c.username(), c.password(), c.pool(), false, db.dialect(), metrics)));
            for (int i = 0; i < c.replicas().size(); i++) {
                ReplicaConfig r = c.replicas().get(i);
                String name = db.name() + "/replica-" + i;
                replicas.put(name, reuseOrOpen(oldReplicas.get(name), name, r,
                        new ReplicaConfig(r.url(), r.username(), r.password(), fixedAtOpen(r.pool())), r.pool(), true,
                        liveChanges, () -> openPool(instruments.cluster() + "-" + name.replace('/', '-'), name, r.url(),
                                r.username(), r.password(), r.pool(), true, db.dialect(), metrics)));
            }
        }
        Map<String, ReplicaPool> replicaPools = new LinkedHashMap<>();
        replicas.forEach((name, pool) -> {
            ReplicaPool old = previous == null ? null : previous.replicaPools.get(name);
            String database = name.substring(0, name.indexOf('/'));
            replicaPools.put(name, old != null && old.dataSource == pool.dataSource() && previous.reads.equals(plan.reads())
                    ? old
                    : new ReplicaPool(name, database, pool.dataSource(), plan.databases().get(database).dialect(),
                            plan.reads(), metrics.replica(name, database)));
        });
        Map<ShardId, ShardNode> nodes = new HashMap<>();
        List<Shard> ordered = new ArrayList<>();
        for (ClusterPlan.Placement p : plan.placements()) {
            ClusterPlan.Database db = plan.databases().get(p.database());
            HikariDataSource ds = primaries.get(p.database()).dataSource();
            Shard shard = new Shard(p.shard(), p.database(), Optional.ofNullable(p.schema()), db.dialect(),
                    context(jooq, p.shard(), p.database(), ds, db.dialect(), p.schema(), null,
                            metrics.statements(p.shard(), p.database(), false)), ds);
            List<ShardNode.ReplicaView> views = new ArrayList<>();
            for (int i = 0; i < db.config().replicas().size(); i++) {
                ReplicaPool rp = replicaPools.get(p.database() + "/replica-" + i);
                views.add(new ShardNode.ReplicaView(rp, context(jooq, p.shard(), rp.name, rp.dataSource, db.dialect(),
                        p.schema(), rp, metrics.statements(p.shard(), p.database(), true))));
            }
            nodes.put(p.shard(), new ShardNode(shard, views, metrics));
            ordered.add(shard);
        }
        return new Topology(plan.router(), plan.reads(), Map.copyOf(nodes), List.copyOf(ordered), plan.referenceTables(),
                java.util.Collections.unmodifiableMap(primaries), java.util.Collections.unmodifiableMap(replicas),
                java.util.Collections.unmodifiableMap(replicaPools), List.copyOf(liveChanges));
    }

    /**
     * One context per logical shard and pool (its database's, or a replica's), derived from the cluster's base
     * configuration; a failure of the database itself comes out as a {@link ShardException} naming shard and pool.
     *
     * @param replica the replica whose pool this is, or null for the primary
     * @param timer   times each statement, or null without a meter registry
     */
    private static DSLContext context(Configuration jooq, ShardId shard, String poolName, HikariDataSource ds,
                                      SQLDialect dialect, String schema, ReplicaPool replica, ExecuteListener timer) {
        Settings s = (Settings) jooq.settings().clone();
        if (schema != null) {
            // Unqualified tables (input "") render into the shard's schema.
            s.setRenderMapping(new RenderMapping().withSchemata(new MappedSchema().withInput("").withOutput(schema)));
        }
        Configuration c = jooq.derive(new PoolConnections(shard, poolName, ds)).derive(dialect).derive(s)
                .deriveAppending(FenceWait.marking(shard, poolName, schema)); // where it writes, for a refusing fence
        if (replica != null) c = c.deriveAppending(healthListener(replica)); // sees the driver's exception first
        if (timer != null) c = c.deriveAppending(timer);
        return DSL.using(c.deriveAppending(ShardFailures.listener(shard, poolName)));
    }

    /** A replica whose connection breaks during a caller's query is skipped by later reads until it is retried. */
    private static ExecuteListener healthListener(ReplicaPool replica) {
        return new ExecuteListener() {
            @Override
            public void exception(ExecuteContext ctx) {
                java.sql.SQLException e = ctx.sqlException();
                String state = e == null ? null : e.getSQLState();
                if (state != null && state.startsWith("08")) replica.markDown(e); // connection exceptions
            }
        };
    }

    /**
     * The old pool when its configuration is unchanged; the old pool too when only settings HikariCP changes live
     * differ (noted in {@code liveChanges}, applied when the topology goes live); else a new pool.
     *
     * @param connection the configuration without its pool settings: what a running pool cannot change
     */
    private static Pool reuseOrOpen(Pool old, String name, Object config, Object connection, PoolConfig pool,
                                    boolean replica, List<Runnable> liveChanges,
                                    java.util.function.Supplier<HikariDataSource> open) {
        if (old != null && old.config().equals(config)) return old;
        if (old != null && old.connection().equals(connection)) {
            HikariDataSource ds = old.dataSource();
            liveChanges.add(() -> applyLive(ds, pool, replica));
            return new Pool(name, config, connection, ds);
        }
        return new Pool(name, config, connection, open.get());
    }

    /** Sets what HikariCP reads live from its config MXBean; an unset value goes back to its default. */
    private static void applyLive(HikariDataSource ds, PoolConfig pool, boolean replica) {
        HikariConfig wanted = hikariConfig("unused", "jdbc:unused", null, null, pool, replica, null);
        var mx = ds.getHikariConfigMXBean();
        int max = wanted.getMaximumPoolSize();
        mx.setMaximumPoolSize(max);
        mx.setMinimumIdle(wanted.getMinimumIdle() < 0 ? max : wanted.getMinimumIdle());
        mx.setConnectionTimeout(wanted.getConnectionTimeout());
        mx.setValidationTimeout(wanted.getValidationTimeout());
        mx.setIdleTimeout(wanted.getIdleTimeout());
        mx.setMaxLifetime(wanted.getMaxLifetime());
    }

    /** Applies the live pool settings this topology changed on pools it kept; call once it is live. */
    void applyLiveChanges() {
        liveChanges.forEach(Runnable::run);
    }

    private static void closeNew(Map<String, Pool> opened, Map<String, Pool> kept, Throwable failure) {
        opened.forEach((name, pool) -> {
            if (sameDataSource(kept.get(name), pool)) return;
            try {
                pool.dataSource().close();
            } catch (RuntimeException e) {  // one pool that fails to close must not keep the others open
                failure.addSuppressed(e);
            }
        });
    }

    /**
     * A shard's pool as jOOQ's connection source. A pool closed under a call (ShardCluster.close() while a caller
     * still holds a context) fails with code CLOSED, not with HikariCP's "has been closed".
     */
    private record PoolConnections(ShardId shard, String name, HikariDataSource pool) implements ConnectionProvider {
        @Override
        public Connection acquire() {
            try {
                return pool.getConnection();
            } catch (SQLException e) {
                if (pool.isClosed()) throw closed(shard, e);
                // HikariCP's message has the wait and the pool's numbers; its cause, the last connection attempt's failure.
                String last = e.getCause() == null || e.getCause() == e ? "" : "; last connection attempt: " + e.getCause().getMessage();
                throw new ShardException(ShardException.Code.DATABASE, "[shard " + shard + "] database " + name
                        + ": no connection — " + e.getMessage() + last + " — the server may be down or hung, or the pool"
                        + " too small for the load (maximumPoolSize)", e);
            }
        }

        @Override
        public void release(Connection connection) {
            try {
                connection.close();
            } catch (SQLException e) {
                throw new DataAccessException("Error closing connection " + connection, e);
            }
        }
    }

    static ShardException closed(ShardId shard, Throwable cause) {
        return new ShardException(ShardException.Code.CLOSED, "[shard " + shard + "] the ShardCluster was closed while"
                + " this call was under way — build a new cluster, or close it only after its last call", cause);
    }

    private static HikariDataSource openPool(String poolName, String name, String url, String username, String password,
                                             PoolConfig p, boolean replica, SQLDialect dialect, ClusterMetrics metrics) {
        HikariConfig hc = hikariConfig(poolName, url, username, password, p, replica, dialect);
        metrics.instrument(hc);
        ReconnectingDataSource source = ReconnectingDataSource.into(hc);
        try {
            HikariDataSource ds = new HikariDataSource(hc);
            source.feeds(ds);
            return ds;
        } catch (RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null) root = root.getCause();
            throw new ShardException(ShardException.Code.DATABASE, "[database " + name + "] cannot connect to "
                    + JdbcUrls.redact(url) + " as " + username + ": " + root.getMessage()
                    + " — check the url, username and password, and that the server is running", e);
        }
    }

    /** The pool settings a running pool cannot change (a change opens a new pool); null when there are none. */
    private static PoolConfig fixedAtOpen(PoolConfig p) {
        return p == null || p.statementTimeoutMs() == null ? null
                : new PoolConfig(null, null, null, null, null, p.statementTimeoutMs());
    }

    /** @param dialect null for a configuration only read for its live settings */
    private static HikariConfig hikariConfig(String poolName, String url, String username, String password,
                                             PoolConfig p, boolean replica, SQLDialect dialect) {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName(poolName);
        hc.setJdbcUrl(url);
        if (username != null) hc.setUsername(username);
        if (password != null) hc.setPassword(password);
        if (replica) {
            // A replica is optional: a cluster starts without it, and a read never waits long for a dead one.
            hc.setInitializationFailTimeout(-1);
            hc.setConnectionTimeout(2_000);
            hc.setReadOnly(true);
        }
        if (p != null) {
            if (p.maximumPoolSize() != null) hc.setMaximumPoolSize(p.maximumPoolSize());
            if (p.minimumIdle() != null) hc.setMinimumIdle(p.minimumIdle());
            if (p.connectionTimeoutMs() != null) hc.setConnectionTimeout(p.connectionTimeoutMs());
            if (p.idleTimeoutMs() != null) hc.setIdleTimeout(p.idleTimeoutMs());
            if (p.maxLifetimeMs() != null) hc.setMaxLifetime(p.maxLifetimeMs());
        }
        // HikariCP checks an idle connection for up to validationTimeout (default 5 s) before handing it out, on top
        // of connectionTimeout: against a hung server a caller would wait both. No longer than the connection timeout.
        hc.setValidationTimeout(validationTimeout(hc.getConnectionTimeout()));
        if (dialect != null) StatementDeadline.apply(hc, dialect, p == null ? null : p.statementTimeoutMs());
        return hc;
    }

    /** The connection timeout, within HikariCP's bounds for a validation timeout (250 ms to its default, 5 s). */
    static long validationTimeout(long connectionTimeout) {
        return Math.max(250, Math.min(5_000, connectionTimeout));
    }

    /** Pool statistics of every primary, in declaration order. */
    List<PoolStats> poolStats() {
        return primaries.values().stream().map(p -> stats(p.name(), p.dataSource())).toList();
    }

    PoolStats poolStats(String database) {
        Pool p = primaries.get(database);
        if (p == null) {
            throw new ShardException(ShardException.Code.KEY, "unknown database '" + database + "' — databases: "
                    + primaries.keySet());
        }
        return stats(p.name(), p.dataSource());
    }

    /** Every replica's status, in declaration order (a database's replicas together). */
    List<ReplicaStatus> replicaStatus() {
        return replicaPools.values().stream().map(ReplicaPool::status).toList();
    }

    List<ReplicaStatus> replicaStatus(String database) {
        if (!primaries.containsKey(database)) {
            throw new ShardException(ShardException.Code.KEY, "unknown database '" + database + "' — databases: "
                    + primaries.keySet());
        }
        return replicaPools.values().stream().filter(r -> r.database.equals(database)).map(ReplicaPool::status).toList();
    }

    static PoolStats stats(String name, HikariDataSource ds) {
        var mx = ds.getHikariPoolMXBean();
        int max = ds.getMaximumPoolSize();
        if (mx == null) return new PoolStats(name, 0, 0, 0, 0, max);
        return new PoolStats(name, mx.getTotalConnections(), mx.getActiveConnections(), mx.getIdleConnections(),
                mx.getThreadsAwaitingConnection(), max);
    }

    int databaseCount() {
        return primaries.size();
    }

    /** The replicas, for the prober of this topology. */
    java.util.Collection<ReplicaPool> replicaPools() {
        return replicaPools.values();
    }

    /** Whether two pool entries share one HikariCP pool (a live settings change keeps the pool, not the entry). */
    private static boolean sameDataSource(Pool a, Pool b) {
        return a != null && b != null && a.dataSource() == b.dataSource();
    }

    /** Hands the pools of this topology that {@code next} does not use to {@code retirement}, to close once drained. */
    void retireUnusedBy(Topology next, PoolRetirement retirement) {
        primaries.forEach((name, pool) -> {
            if (!sameDataSource(next.primaries.get(name), pool)) retirement.retire(name, pool.dataSource());
        });
        replicas.forEach((name, pool) -> {
            if (!sameDataSource(next.replicas.get(name), pool)) retirement.retire(name, pool.dataSource());
        });
    }

    /** Closes the pools of this topology that {@code next} does not use (all of them when it is null). */
    void closeUnusedBy(Topology next) {
        primaries.forEach((name, pool) -> {
            if (next == null || !sameDataSource(next.primaries.get(name), pool)) pool.dataSource().close();
        });
        replicas.forEach((name, pool) -> {
            if (next == null || !sameDataSource(next.replicas.get(name), pool)) pool.dataSource().close();
        });
    }
}
