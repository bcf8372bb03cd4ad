package io.shardkit.cluster;

import io.shardkit.cluster.config.ClusterConfig.DatabaseConfig;
import io.shardkit.cluster.config.ClusterConfig.RangeConfig;
import io.shardkit.cluster.config.ClusterConfig.ShardConfig;
import io.shardkit.cluster.config.ClusterConfig.StrategyConfig;
import io.shardkit.cluster.config.ClusterConfig;
import io.shardkit.router.KeyHash;
import io.shardkit.router.ShardKeyType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jooq.Configuration;
import org.jooq.conf.Settings;

/** Assembles a {@link ClusterConfig} in code; {@link #build()} validates it exactly as {@code shards.yml} is. */
public final class ShardClusterBuilder {
    private final Map<String, DatabaseConfig> databases = new LinkedHashMap<>();
    private final List<ShardConfig> shards = new ArrayList<>();
    private final Map<String, String> pins = new LinkedHashMap<>();
    private final Map<String, ClusterConfig.TableConfig> tables = new LinkedHashMap<>();
    private StrategyConfig strategy;
    private String keyType;
    private Configuration jooq = ShardCluster.defaultJooqConfiguration();
    private Duration retiredPoolGracePeriod = ShardCluster.DEFAULT_RETIRED_POOL_GRACE_PERIOD;
    private ClusterConfig.TopologyConfig topology;
    private ClusterConfig.HotKeysConfig hotKeys;
    private ClusterConfig.ReadsConfig reads;
    private ClusterConfig.MigrationsConfig migrations;
    private String name = ShardCluster.DEFAULT_NAME;
    private io.micrometer.core.instrument.MeterRegistry meterRegistry; // typed field: loaded only when set
    private boolean shardTag;

    ShardClusterBuilder() {
    }

    /** A physical database (one pool) named {@code name}; its dialect is inferred from the JDBC URL. */
    public ShardClusterBuilder database(String name, String url, String username, String password) {
        return database(name, new DatabaseConfig(url, username, password, null, null));
    }

    /** A physical database with every setting of {@code shards.yml}: pool, dialect, replicas. */
    public ShardClusterBuilder database(String name, DatabaseConfig database) {
        databases.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(database, "database"));
        return this;
    }

    /** A logical shard on {@code database}; shards are numbered in the order they are added. */
    public ShardClusterBuilder shard(String id, String database) {
        return shard(new ShardConfig(id, database, null, null));
    }

    /** A logical shard in {@code schema} of {@code database}, for several logical shards on one database. */
    public ShardClusterBuilder shard(String id, String database, String schema) {
        return shard(new ShardConfig(id, database, schema, null));
    }

    /** A logical shard with every setting of {@code shards.yml} (e.g. its weight on a ring). */
    public ShardClusterBuilder shard(ShardConfig shard) {
        shards.add(Objects.requireNonNull(shard, "shard"));
        return this;
    }

    /** The key → shard strategy as {@code shards.yml} writes it; the shortcuts below cover the usual ones. */
    public ShardClusterBuilder strategy(StrategyConfig strategy) {
        this.strategy = Objects.requireNonNull(strategy, "strategy");
        return this;
    }

    /** A consistent-hash ring with {@code virtualNodes} points per shard (1024 balances within ~5 %). */
    public ShardClusterBuilder consistentHash(int virtualNodes) {
        return strategy(new StrategyConfig("consistent-hash", null, virtualNodes, null));
    }

    /** {@code hash(key) mod shards}: moves almost every key on a resize; only to match an existing scheme. */
    public ShardClusterBuilder modulo(KeyHash hash) {
        return strategy(new StrategyConfig("modulo", hash.configName(), null, null));
    }

    /** Jump consistent hash: perfect balance, and a resize moves only the keys the new shard takes. */
    public ShardClusterBuilder jump() {
        return strategy(new StrategyConfig("jump", null, null, null));
    }

    /** A range strategy over {@code keyType} keys; ranges given as {@link RangeConfig} ({@code "unbounded"} opens an end). */
    public ShardClusterBuilder ranges(ShardKeyType keyType, List<RangeConfig> ranges) {
        keyType(keyType);
        return strategy(new StrategyConfig("range", null, null, ranges));
    }

    /** The one type of every shard key; keys of another type are refused. Required for pins and ranges. */
    public ShardClusterBuilder keyType(ShardKeyType keyType) {
        this.keyType = keyType.configName();
        return this;
    }

    /** Pins {@code key} (long, int, String, UUID, byte[] or Instant) to {@code shard}; needs {@link #keyType}. */
    public ShardClusterBuilder pin(Object key, String shard) {
        String text = key instanceof byte[] b ? HexFormat.of().formatHex(b) : String.valueOf(Objects.requireNonNull(key, "key"));
        pins.put(text, Objects.requireNonNull(shard, "shard"));
        return this;
    }

    /**
     * Declares a reference table ({@code tables: { name: { reference: true } }} in shards.yml): every shard holds all of
     * its rows; see {@link ShardCluster#reference()}. The name is checked at {@link #build()}.
     */
    public ShardClusterBuilder referenceTable(String name) {
        tables.put(Objects.requireNonNull(name, "name"), ClusterConfig.TableConfig.REFERENCE);
        return this;
    }

    /** The jOOQ configuration every shard's context derives from (settings, listeners, converters). */
    public ShardClusterBuilder jooqConfiguration(Configuration jooq) {
        this.jooq = Objects.requireNonNull(jooq, "jooq");
        return this;
    }

    /**
     * How long a pool replaced by {@link ShardCluster#reconfigure} may take to drain (default 30 s); after it the
     * pool is closed anyway, aborting what still runs on it, with a warning naming the database.
     */
    public ShardClusterBuilder retiredPoolGracePeriod(Duration gracePeriod) {
        Objects.requireNonNull(gracePeriod, "gracePeriod");
        if (gracePeriod.isNegative()) {
            throw new IllegalArgumentException("retiredPoolGracePeriod must not be negative: " + gracePeriod);
        }
        this.retiredPoolGracePeriod = gracePeriod;
        return this;
    }

    /**
     * Shares the shard map with every instance through a store in {@code topology.store()}, a database added
     * with {@link #database}; the shards, strategy and pins given here are only version 1's, used when the store
     * has none.
     */
    public ShardClusterBuilder topology(ClusterConfig.TopologyConfig topology) {
        this.topology = Objects.requireNonNull(topology, "topology");
        return this;
    }

    /** Tracks the most routed keys and each shard's load ({@link ShardCluster#hotKeys()}); off by default. */
    public ShardClusterBuilder hotKeys(HotKeys.Settings settings) {
        Objects.requireNonNull(settings, "settings");
        this.hotKeys = new ClusterConfig.HotKeysConfig(settings.enabled(), settings.capacity(), settings.sampleEvery(),
                settings.window().toMillis(), settings.bucket().toMillis());
        return this;
    }

    /** Names the cluster: its meters' {@code cluster} tag and its pools' prefix ({@code <name>-<database>}). */
    public ShardClusterBuilder name(String name) {
        if (!Objects.requireNonNull(name, "name").matches("[A-Za-z0-9_.-]+")) {
            throw new IllegalArgumentException("name must be letters, digits, '_', '.' or '-': '" + name + "'");
        }
        this.name = name;
        return this;
    }

    /**
     * Publishes the cluster's meters to {@code registry} (see the README's "Metrics"): HikariCP's pool meters,
     * statements, repository calls, replicas. Without it no meter is made and Micrometer need not be present.
     */
    public ShardClusterBuilder meterRegistry(io.micrometer.core.instrument.MeterRegistry registry) {
        this.meterRegistry = Objects.requireNonNull(registry, "registry");
        return this;
    }

    /** Adds a {@code shard} tag (the logical shard) to {@code shardkit.query}; off by default: it multiplies series. */
    public ShardClusterBuilder shardTag(boolean shardTag) {
        this.shardTag = shardTag;
        return this;
    }

    /**
     * Starts from {@code config} — as {@code shards.yml} or Spring properties give it — replacing everything described
     * so far; the settings only a builder has ({@link #meterRegistry}, {@link #name}, the jOOQ base) stay.
     */
    public ShardClusterBuilder config(ClusterConfig config) {
        Objects.requireNonNull(config, "config");
        databases.clear();
        databases.putAll(config.databases());
        shards.clear();
        shards.addAll(config.shards());
        pins.clear();
        pins.putAll(config.pins());
        strategy = config.strategy();
        keyType = config.keyType();
        reads = config.reads();
        migrations = config.migrations();
        topology = config.topology();
        hotKeys = config.hotKeys();
        tables.clear();
        tables.putAll(config.tables());
        return this;
    }

    /** The description assembled so far, as {@code shards.yml} would give it; nothing is checked yet. */
    public ClusterConfig toConfig() {
        return new ClusterConfig(databases, shards, strategy, keyType, pins, reads, migrations, topology, hotKeys, tables);
    }

    /** Validates the description as a whole (every problem at once) and starts the cluster. */
    public ShardCluster build() {
        return ShardCluster.start(toConfig(), jooq, retiredPoolGracePeriod, new Topology.Instruments(name, meterRegistry == null
                ? ClusterMetrics.NONE : MicrometerClusterMetrics.create(meterRegistry, name, shardTag)));
    }
}
