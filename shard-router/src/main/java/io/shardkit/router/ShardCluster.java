package io.shardkit.router;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.shardkit.router.config.ClusterConfig;
import io.shardkit.router.config.ClusterConfig.DatabaseConfig;
import io.shardkit.router.config.ClusterConfig.PoolConfig;
import io.shardkit.router.config.ClusterConfig.RangeConfig;
import io.shardkit.router.config.ClusterConfig.ShardConfig;
import io.shardkit.router.config.ClusterConfig.StrategyConfig;
import io.shardkit.router.config.ClusterPlan;
import io.shardkit.router.config.JdbcUrls;
import io.shardkit.router.config.ShardsYaml;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.jooq.Configuration;
import org.jooq.DSLContext;
import org.jooq.conf.MappedSchema;
import org.jooq.conf.RenderMapping;
import org.jooq.conf.RenderQuotedNames;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;
import org.jooq.impl.DefaultConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Many databases used as one: routes a shard key to its logical shard, and the logical shard to a pool and a
 * jOOQ {@link DSLContext}. One HikariCP pool per physical database, shared by the logical shards on it; one
 * {@code DSLContext} per logical shard, derived from a single jOOQ {@link Configuration}, rendering the shard's
 * schema in place of unqualified names when the shard has one.
 *
 * <p>Built from {@code shards.yml} ({@link #fromYaml}) or a {@link #builder()}; everything is validated before any
 * connection is opened. Thread-safe. {@link #reconfigure} swaps the whole topology atomically.
 */
public final class ShardCluster implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ShardCluster.class);

    /** Router, pools and shards of one configuration: swapped as a unit, never mutated. */
    private record Topology(ShardRouter router, Map<String, Pool> pools, Map<ShardId, Shard> shards, List<Shard> ordered) {
    }

    private record Pool(String name, DatabaseConfig config, HikariDataSource dataSource) {
    }

    private final Configuration jooq;
    private final AtomicReference<Topology> topology = new AtomicReference<>();
    private volatile boolean closed;

    private ShardCluster(ClusterPlan plan, Configuration jooq) {
        this.jooq = jooq;
        topology.set(build(plan, Map.of()));
        LOG.info("Shardkit cluster started: {} logical shards on {} databases, {}", plan.placements().size(),
                plan.databases().size(), plan.router());
    }

    /** Reads, validates and starts the cluster described by a {@code shards.yml} file. */
    public static ShardCluster fromYaml(Path file) {
        return create(ShardsYaml.load(file));
    }

    /** As {@link #fromYaml(Path)}, resolving {@code ${VAR}} with {@code env} instead of the process environment. */
    public static ShardCluster fromYaml(Path file, Function<String, String> env) {
        return create(ShardsYaml.load(file, env));
    }

    public static ShardCluster create(ClusterConfig config) {
        return create(config, defaultJooqConfiguration());
    }

    /** Starts a cluster whose shard contexts derive from {@code jooq} (settings, listeners, converters kept). */
    public static ShardCluster create(ClusterConfig config, Configuration jooq) {
        Objects.requireNonNull(jooq, "jooq");
        return new ShardCluster(ClusterPlan.compile(config), jooq);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The default base: names built with {@code DSL.name(..)} render unquoted, so each database folds case as in plain SQL. */
    public static Configuration defaultJooqConfiguration() {
        return new DefaultConfiguration().set(new Settings().withRenderQuotedNames(RenderQuotedNames.EXPLICIT_DEFAULT_UNQUOTED));
    }

    // ---- routing ----------------------------------------------------------------------------------------------

    public ShardId shardFor(long key) {
        return current().router().shardFor(key);
    }

    public ShardId shardFor(Object key) {
        return current().router().shardFor(key);
    }

    /** The jOOQ context of the key's shard (primary). */
    public DSLContext dsl(long key) {
        Topology t = current();
        return t.shards().get(t.router().shardFor(key)).dsl();
    }

    public DSLContext dsl(Object key) {
        Topology t = current();
        return t.shards().get(t.router().shardFor(key)).dsl();
    }

    /** The jOOQ context of a shard by id. */
    public DSLContext dsl(ShardId shard) {
        return shard(shard).dsl();
    }

    /** Runs {@code work} in one local transaction on the key's shard: committed when it returns, rolled back when it throws. */
    public <T> T inTransaction(Object key, ShardWork<T> work) {
        Objects.requireNonNull(work, "work");
        return dsl(key).transactionResult(cfg -> work.run(cfg.dsl()));
    }

    public ShardRouter router() {
        return current().router();
    }

    /** Every logical shard, in declaration order. */
    public List<Shard> shards() {
        return current().ordered();
    }

    public Shard shard(ShardId id) {
        Shard s = current().shards().get(Objects.requireNonNull(id, "id"));
        if (s == null) {
            throw new ShardException(ShardException.Code.KEY, "unknown shard '" + id + "' — shards: " + current().shards().keySet());
        }
        return s;
    }

    // ---- pools ------------------------------------------------------------------------------------------------

    /** Pool statistics of every physical database, in declaration order. */
    public List<PoolStats> poolStats() {
        return current().pools().values().stream().map(ShardCluster::stats).toList();
    }

    public PoolStats poolStats(String database) {
        Pool p = current().pools().get(database);
        if (p == null) {
            throw new ShardException(ShardException.Code.KEY, "unknown database '" + database + "' — databases: "
                    + current().pools().keySet());
        }
        return stats(p);
    }

    private static PoolStats stats(Pool p) {
        HikariPoolMXBean mx = p.dataSource().getHikariPoolMXBean();
        int max = p.dataSource().getMaximumPoolSize();
        if (mx == null) return new PoolStats(p.name(), 0, 0, 0, 0, max);
        return new PoolStats(p.name(), mx.getTotalConnections(), mx.getActiveConnections(), mx.getIdleConnections(),
                mx.getThreadsAwaitingConnection(), max);
    }

    // ---- topology ---------------------------------------------------------------------------------------------

    /**
     * Validates {@code config} and swaps the router, shard map and pools in one step. Pools of databases whose
     * configuration is unchanged are kept; new ones are opened before the swap; dropped ones closed after it.
     * On any error nothing changes.
     */
    public synchronized void reconfigure(ClusterConfig config) {
        ensureOpen();
        ClusterPlan plan = ClusterPlan.compile(config);
        Topology old = current();
        Topology next = build(plan, old.pools());
        topology.set(next);
        old.pools().forEach((name, pool) -> {
            if (next.pools().get(name) != pool) pool.dataSource().close();
        });
        LOG.info("Shardkit cluster reconfigured: {} logical shards on {} databases, {}", plan.placements().size(),
                plan.databases().size(), plan.router());
    }

    private Topology build(ClusterPlan plan, Map<String, Pool> reusable) {
        Map<String, Pool> pools = new LinkedHashMap<>();
        try {
            for (ClusterPlan.Database db : plan.databases().values()) {
                Pool old = reusable.get(db.name());
                pools.put(db.name(), old != null && old.config().equals(db.config()) ? old : open(db));
            }
        } catch (RuntimeException e) {
            pools.forEach((name, pool) -> {
                if (reusable.get(name) != pool) pool.dataSource().close();
            });
            throw e;
        }
        Map<ShardId, Shard> shards = new HashMap<>();
        List<Shard> ordered = new ArrayList<>();
        for (ClusterPlan.Placement p : plan.placements()) {
            ClusterPlan.Database db = plan.databases().get(p.database());
            HikariDataSource ds = pools.get(p.database()).dataSource();
            Configuration cfg = jooq.derive(ds).derive(db.dialect()).derive(settingsFor(p.schema()));
            Shard shard = new Shard(p.shard(), p.database(), Optional.ofNullable(p.schema()), db.dialect(), DSL.using(cfg), ds);
            shards.put(p.shard(), shard);
            ordered.add(shard);
        }
        return new Topology(plan.router(), java.util.Collections.unmodifiableMap(pools), Map.copyOf(shards), List.copyOf(ordered));
    }

    private Settings settingsFor(String schema) {
        Settings s = (Settings) jooq.settings().clone();
        if (schema != null) {
            // Unqualified tables (input "") render into the shard's schema.
            s.setRenderMapping(new RenderMapping().withSchemata(new MappedSchema().withInput("").withOutput(schema)));
        }
        return s;
    }

    private static Pool open(ClusterPlan.Database db) {
        DatabaseConfig c = db.config();
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("shardkit-" + db.name());
        hc.setJdbcUrl(c.url());
        if (c.username() != null) hc.setUsername(c.username());
        if (c.password() != null) hc.setPassword(c.password());
        PoolConfig p = c.pool();
        if (p != null) {
            if (p.maximumPoolSize() != null) hc.setMaximumPoolSize(p.maximumPoolSize());
            if (p.minimumIdle() != null) hc.setMinimumIdle(p.minimumIdle());
            if (p.connectionTimeoutMs() != null) hc.setConnectionTimeout(p.connectionTimeoutMs());
            if (p.idleTimeoutMs() != null) hc.setIdleTimeout(p.idleTimeoutMs());
            if (p.maxLifetimeMs() != null) hc.setMaxLifetime(p.maxLifetimeMs());
        }
        try {
            return new Pool(db.name(), c, new HikariDataSource(hc));
        } catch (RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null) root = root.getCause();
            throw new ShardException(ShardException.Code.DATABASE, "[database " + db.name() + "] cannot connect to "
                    + JdbcUrls.redact(c.url()) + " as " + c.username() + ": " + root.getMessage()
                    + " — check the url, username and password, and that the server is running", e);
        }
    }

    private Topology current() {
        ensureOpen();
        return topology.get();
    }

    private void ensureOpen() {
        if (closed) {
            throw new ShardException(ShardException.Code.CLOSED, "this ShardCluster is closed — build a new one");
        }
    }

    /** Closes every pool. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        topology.get().pools().values().forEach(p -> p.dataSource().close());
    }

    @Override
    public String toString() {
        Topology t = topology.get();
        return "ShardCluster[" + t.ordered().size() + " shards on " + t.pools().size() + " databases, " + t.router() + "]";
    }

    /** Assembles a {@link ClusterConfig} in code; {@link #build()} validates it exactly as {@code shards.yml} is. */
    public static final class Builder {
        private final Map<String, DatabaseConfig> databases = new LinkedHashMap<>();
        private final List<ShardConfig> shards = new ArrayList<>();
        private final Map<String, String> pins = new LinkedHashMap<>();
        private StrategyConfig strategy;
        private String keyType;
        private Configuration jooq = defaultJooqConfiguration();

        private Builder() {
        }

        public Builder database(String name, String url, String username, String password) {
            return database(name, new DatabaseConfig(url, username, password, null, null));
        }

        public Builder database(String name, DatabaseConfig database) {
            databases.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(database, "database"));
            return this;
        }

        public Builder shard(String id, String database) {
            return shard(new ShardConfig(id, database, null, null));
        }

        public Builder shard(String id, String database, String schema) {
            return shard(new ShardConfig(id, database, schema, null));
        }

        public Builder shard(ShardConfig shard) {
            shards.add(Objects.requireNonNull(shard, "shard"));
            return this;
        }

        public Builder strategy(StrategyConfig strategy) {
            this.strategy = Objects.requireNonNull(strategy, "strategy");
            return this;
        }

        public Builder consistentHash(int virtualNodes) {
            return strategy(new StrategyConfig("consistent-hash", null, virtualNodes, null));
        }

        public Builder modulo(KeyHash hash) {
            return strategy(new StrategyConfig("modulo", hash.configName(), null, null));
        }

        public Builder jump() {
            return strategy(new StrategyConfig("jump", null, null, null));
        }

        /** A range strategy over {@code keyType} keys; ranges given as {@link RangeConfig} ({@code "unbounded"} opens an end). */
        public Builder ranges(ShardKeyType keyType, List<RangeConfig> ranges) {
            keyType(keyType);
            return strategy(new StrategyConfig("range", null, null, ranges));
        }

        public Builder keyType(ShardKeyType keyType) {
            this.keyType = keyType.configName();
            return this;
        }

        /** Pins {@code key} (long, int, String, UUID, byte[] or Instant) to {@code shard}; needs {@link #keyType}. */
        public Builder pin(Object key, String shard) {
            String text = key instanceof byte[] b ? HexFormat.of().formatHex(b) : String.valueOf(Objects.requireNonNull(key, "key"));
            pins.put(text, Objects.requireNonNull(shard, "shard"));
            return this;
        }

        /** The jOOQ configuration every shard's context derives from (settings, listeners, converters). */
        public Builder jooqConfiguration(Configuration jooq) {
            this.jooq = Objects.requireNonNull(jooq, "jooq");
            return this;
        }

        public ClusterConfig toConfig() {
            return new ClusterConfig(databases, shards, strategy, keyType, pins);
        }

        public ShardCluster build() {
            return create(toConfig(), jooq);
        }
    }
}
