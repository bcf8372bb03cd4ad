package io.shardkit.cluster;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.shardkit.cluster.config.ClusterConfig;
import io.shardkit.cluster.config.ClusterConfig.DatabaseConfig;
import io.shardkit.cluster.config.ClusterConfig.TopologyConfig;
import io.shardkit.cluster.config.JdbcUrls;
import io.shardkit.cluster.internal.ClusterPlan;
import io.shardkit.cluster.topology.TopologyStore;
import io.shardkit.cluster.topology.TopologyVersion;
import io.shardkit.router.ShardException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.jooq.SQLDialect;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An instance's side of the shared topology: the version it runs (its epoch), a thread that follows the store (on
 * PostgreSQL woken by {@code NOTIFY}, elsewhere by polling) and reconfigures the cluster to each newer version, and
 * the wait of a write stopped by a moving shard's fence for the version that moves it.
 */
final class SharedTopology implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ShardCluster.class);
    private static final AtomicLong INSTANCES = new AtomicLong();

    private final ClusterConfig local;
    private final TopologyConfig settings;
    private final HikariDataSource pool;
    private final SQLDialect dialect;
    private final TopologyStore store;
    private final String instance;
    private final AtomicLong epoch = new AtomicLong();
    private volatile TopologyVersion running;
    private volatile ShardCluster cluster;
    private volatile boolean closed;
    private final java.util.concurrent.locks.ReentrantLock refreshing = new java.util.concurrent.locks.ReentrantLock();
    private volatile long lastLook;
    private long failedVersion;
    private Thread follower;

    private SharedTopology(ClusterConfig local, ClusterPlan.Database control) {
        this.local = local;
        this.settings = local.topology();
        this.dialect = control.dialect();
        this.pool = openPool(control);
        try {
            this.store = TopologyStore.open(pool, dialect);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        this.instance = settings.instance() != null ? settings.instance() : defaultInstance();
    }

    /** Reads the newest version, publishing {@code local}'s map as version 1 when the store has none. */
    static SharedTopology open(ClusterConfig local, ClusterPlan localPlan) {
        SharedTopology shared = new SharedTopology(local, localPlan.databases().get(local.topology().store()));
        try {
            TopologyVersion newest = shared.store.latest().orElse(null);
            if (newest == null) {
                newest = shared.store.publish(0, local.shardMap(), "bootstrap from " + shared.instance)
                        .orElseGet(() -> shared.store.latest().orElseThrow());
            } else if (!newest.map().equals(local.shardMap())) {
                LOG.info("Shardkit topology: running version {} from the store; this configuration's own shard map is"
                        + " not used", newest.version());
            }
            shared.running = newest;
            shared.epoch.set(newest.version());
            return shared;
        } catch (RuntimeException e) {
            shared.close();
            throw e;
        }
    }

    /** The configuration to run: this instance's databases and settings with the store's shard map. */
    ClusterConfig config() {
        return local.withShardMap(running.map());
    }

    /** Starts following the store for {@code cluster}, which runs {@link #config()}. */
    void follow(ShardCluster cluster) {
        this.cluster = cluster;
        store.reportRunning(instance, epoch.get());
        if (!Boolean.FALSE.equals(settings.refresh())) {
            follower = Thread.ofVirtual().name("shardkit-topology-" + instance).start(this::followLoop);
        }
    }

    long version() {
        return epoch.get();
    }

    String instance() {
        return instance;
    }

    Duration pauseBudget() {
        return Duration.ofMillis(settings.pauseBudgetMs() == null ? 5_000 : settings.pauseBudgetMs());
    }

    /**
     * Waits, up to the pause budget, until the running topology places {@code shard} somewhere other than
     * {@code database}/{@code schema}, looking at the store itself every 20 ms (one thread at a time) rather than
     * waiting for the follower. False when that did not happen (or this instance does not refresh).
     */
    boolean awaitElsewhere(io.shardkit.router.ShardId shard, String database, String schema) {
        return await(() -> elsewhere(shard, database, schema));
    }

    /**
     * Waits, as {@link #awaitElsewhere}, until the running topology pins {@code tenant} (the key as text, as a tenant
     * move publishes it) to a shard other than {@code shard}: a tenant's move re-routes the key, not the shard.
     */
    boolean awaitPinnedElsewhere(io.shardkit.router.ShardId shard, String tenant) {
        return await(() -> {
            String pinned = running.map().pins().get(tenant);
            return pinned != null && !pinned.equals(shard.value());
        });
    }

    private boolean await(java.util.function.BooleanSupplier moved) {
        long deadline = System.nanoTime() + pauseBudget().toNanos();
        while (!closed) {
            if (moved.getAsBoolean()) return true;
            if (Boolean.FALSE.equals(settings.refresh()) || System.nanoTime() > deadline) return false;
            tryRefresh();
            if (moved.getAsBoolean()) return true;
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    private boolean elsewhere(io.shardkit.router.ShardId shard, String database, String schema) {
        try {
            Shard now = cluster.shard(shard);
            return !now.database().equals(database) || !java.util.Objects.equals(now.schema().orElse(null), schema);
        } catch (ShardException e) {
            return true; // the shard is gone from the map: not here any more
        }
    }

    /** A refresh unless another thread is doing one, or did one in the last 20 ms: writers wait together. */
    private void tryRefresh() {
        if (System.nanoTime() - lastLook < 20_000_000L || !refreshing.tryLock()) return;
        try {
            refreshLocked();
        } catch (RuntimeException e) {
            LOG.debug("Shardkit topology: refresh failed while a write waited: {}", e.toString());
        } finally {
            refreshing.unlock();
        }
    }

    /** Moves the cluster to the store's newest version when it is newer than the one running. */
    void refresh() {
        refreshing.lock();
        try {
            refreshLocked();
        } finally {
            refreshing.unlock();
        }
    }

    private void refreshLocked() {
        lastLook = System.nanoTime();
        long newest = store.latestNumber();
        if (newest <= epoch.get() || newest == failedVersion || closed) return;
        TopologyVersion next = store.version(newest).orElseThrow();
        long started = System.nanoTime();
        try {
            cluster.reconfigure(local.withShardMap(next.map()));
        } catch (RuntimeException e) {
            failedVersion = newest;
            LOG.error("Shardkit topology: cannot run version {} ({}); still running version {}: {}", newest,
                    next.reason(), epoch.get(), e.getMessage());
            return;
        }
        running = next;
        epoch.set(newest);
        LOG.info("Shardkit topology: now running version {} ({}), switched in {} ms", newest, next.reason(),
                (System.nanoTime() - started) / 1_000_000);
        try {
            store.reportRunning(instance, newest);
        } catch (RuntimeException e) {
            LOG.warn("Shardkit topology: cannot record that {} runs version {}: {}", instance, newest, e.getMessage());
        }
    }

    private void followLoop() {
        long interval = settings.refreshIntervalMs() == null ? 500 : settings.refreshIntervalMs();
        long lastReport = System.nanoTime();
        Listener listener = null;
        while (!closed) {
            try {
                if (listener == null && dialect.family() == SQLDialect.POSTGRES) listener = Listener.open(pool);
                if (listener != null) listener.await(interval); else Thread.sleep(interval);
                refresh();
                if (System.nanoTime() - lastReport > 5_000_000_000L) {
                    store.reportRunning(instance, epoch.get()); // a heartbeat: who is still alive, on what
                    lastReport = System.nanoTime();
                }
            } catch (InterruptedException e) {
                break;
            } catch (RuntimeException | SQLException e) {
                if (closed) break;
                LOG.warn("Shardkit topology: cannot follow the store ({}); retrying", e.getMessage());
                if (listener != null) listener.close();
                listener = null;
                try {
                    Thread.sleep(interval);
                } catch (InterruptedException stop) {
                    break;
                }
            }
        }
        if (listener != null) listener.close();
    }

    @Override
    public void close() {
        closed = true;
        if (follower != null) {
            // not interrupted: that would close its LISTEN connection's socket under it; it sees `closed` within a
            // refresh interval (at most 1 s)
            try {
                follower.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        pool.close();
    }

    private static HikariDataSource openPool(ClusterPlan.Database control) {
        DatabaseConfig c = control.config();
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("shardkit-topology");
        hc.setJdbcUrl(c.url());
        if (c.username() != null) hc.setUsername(c.username());
        if (c.password() != null) hc.setPassword(c.password());
        hc.setMaximumPoolSize(3); // the follower's LISTEN connection, its reads, and a waiting writer's
        hc.setMinimumIdle(1);
        hc.setConnectionTimeout(5_000);
        try {
            return new HikariDataSource(hc);
        } catch (RuntimeException e) {
            throw new ShardException(ShardException.Code.DATABASE, "[topology store " + control.name() + "] cannot"
                    + " connect to " + JdbcUrls.redact(c.url()) + " — check the database named by topology.store", e);
        }
    }

    private static String defaultInstance() {
        String host = System.getenv().getOrDefault("HOSTNAME", "localhost");
        return host + ":" + ProcessHandle.current().pid() + ":" + INSTANCES.incrementAndGet();
    }

    /** A PostgreSQL connection that has run {@code LISTEN shardkit_topology}; pgjdbc is reached reflectively. */
    private record Listener(Connection connection, Object pg, java.lang.reflect.Method notifications) {
        static Listener open(javax.sql.DataSource pool) throws SQLException {
            Connection c = pool.getConnection();
            try (Statement s = c.createStatement()) {
                s.execute("LISTEN " + TopologyStore.CHANNEL);
                Class<?> type = Class.forName("org.postgresql.PGConnection");
                Object pg = c.unwrap(type);
                return new Listener(c, pg, type.getMethod("getNotifications", int.class));
            } catch (ReflectiveOperationException | SQLException e) {
                c.close();
                throw e instanceof SQLException s ? s : new SQLException("no PostgreSQL notifications: " + e, e);
            }
        }

        /** Returns when a notification came, or after {@code millis}. */
        void await(long millis) throws SQLException {
            try {
                notifications.invoke(pg, (int) millis);
            } catch (ReflectiveOperationException e) {
                throw new SQLException("cannot wait for notifications: " + e.getCause(), e);
            }
        }

        void close() {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // the pool replaces it
            }
        }
    }
}
