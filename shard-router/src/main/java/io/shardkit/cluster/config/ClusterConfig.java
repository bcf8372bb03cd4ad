package io.shardkit.cluster.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.shardkit.cluster.internal.ClusterPlan;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The description of a cluster, as written in {@code shards.yml} or assembled by {@code ShardCluster.builder()}.
 * A plain value: nothing is checked until {@link #validate()} or {@code ShardCluster.create}, which check it as a
 * whole.
 *
 * @param databases physical databases by name, one connection pool each
 * @param shards    logical shards, each placed on a database (and optionally a schema)
 * @param strategy  how keys map to logical shards
 * @param keyType   the type of every shard key (long, string, uuid, bytes, instant); required for pins and ranges
 * @param pins      key → shard overrides consulted before the strategy
 * @param reads     how reads use replicas; null for the defaults
 * @param migrations what {@code shard-migrate} applies to every shard; null when the file does not say
 * @param topology   where the shard map every instance shares is kept; null for a static topology (this file's)
 * @param hotKeys    whether and how the cluster tracks its most routed keys and its shards' load; null: off
 * @param tables     tables by name that need more than the default (a table of each shard's own rows): a
 *                   {@code reference: true} table holds the same rows on every shard
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClusterConfig(
        Map<String, DatabaseConfig> databases,
        List<ShardConfig> shards,
        StrategyConfig strategy,
        String keyType,
        Map<String, String> pins,
        ReadsConfig reads,
        MigrationsConfig migrations,
        TopologyConfig topology,
        HotKeysConfig hotKeys,
        Map<String, TableConfig> tables) {

    /**
     * Checks this description as a whole, as {@code ShardCluster.create} does, without connecting to anything.
     *
     * @return the warnings (e.g. a database no shard uses); they do not stop a cluster from starting
     * @throws ShardConfigException listing every problem, each naming its property
     */
    public List<String> validate() {
        return ClusterPlan.compile(this).warnings();
    }

    /**
     * The router a cluster built from this description routes by (pins, strategy, key type), checked as
     * {@link #validate()} checks it; nothing connects. A tool that places rows as the cluster would (an import) routes
     * with it, from {@code withShardMap(store.latest().map())}; so does a tenant move, to find the tenant's shard.
     *
     * @throws ShardConfigException listing every problem
     */
    public io.shardkit.router.ShardRouter router() {
        return ClusterPlan.compile(this).router();
    }

    /** The same cluster without a {@code tables:} section (no reference tables). */
    public ClusterConfig(Map<String, DatabaseConfig> databases, List<ShardConfig> shards, StrategyConfig strategy,
                         String keyType, Map<String, String> pins, ReadsConfig reads, MigrationsConfig migrations,
                         TopologyConfig topology, HotKeysConfig hotKeys) {
        this(databases, shards, strategy, keyType, pins, reads, migrations, topology, hotKeys, null);
    }

    /** The same cluster without hot-key tracking. */
    public ClusterConfig(Map<String, DatabaseConfig> databases, List<ShardConfig> shards, StrategyConfig strategy,
                         String keyType, Map<String, String> pins, ReadsConfig reads, MigrationsConfig migrations,
                         TopologyConfig topology) {
        this(databases, shards, strategy, keyType, pins, reads, migrations, topology, null, null);
    }

    /** The same cluster with a static topology. */
    public ClusterConfig(Map<String, DatabaseConfig> databases, List<ShardConfig> shards, StrategyConfig strategy,
                         String keyType, Map<String, String> pins, ReadsConfig reads, MigrationsConfig migrations) {
        this(databases, shards, strategy, keyType, pins, reads, migrations, null, null, null);
    }

    /** The same cluster without {@code reads} settings (replica defaults). */
    public ClusterConfig(Map<String, DatabaseConfig> databases, List<ShardConfig> shards, StrategyConfig strategy,
                         String keyType, Map<String, String> pins) {
        this(databases, shards, strategy, keyType, pins, null, null, null, null, null);
    }

    /** The same cluster without a {@code migrations} section. */
    public ClusterConfig(Map<String, DatabaseConfig> databases, List<ShardConfig> shards, StrategyConfig strategy,
                         String keyType, Map<String, String> pins, ReadsConfig reads) {
        this(databases, shards, strategy, keyType, pins, reads, null, null, null, null);
    }

    public ClusterConfig {
        databases = databases == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(databases));
        shards = shards == null ? List.of() : List.copyOf(shards);
        pins = pins == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(pins));
        tables = tables == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tables));
    }

    /** What this description says of where keys go: the part a shared topology keeps in its store. */
    public ShardMap shardMap() {
        return new ShardMap(shards, strategy, keyType, pins);
    }

    /** The same description with {@code map} in place of its shards, strategy, key type and pins. */
    public ClusterConfig withShardMap(ShardMap map) {
        return new ClusterConfig(databases, map.shards(), map.strategy(), map.keyType(), map.pins(), reads, migrations,
                topology, hotKeys, tables);
    }

    /**
     * A shard map every instance shares, kept as numbered versions in a control database.
     *
     * @param store             the database (one of {@code databases}) that keeps the versions; it may also hold shards
     * @param refreshIntervalMs how often an instance looks for a newer version (default 500, at most 1000)
     * @param refresh           false keeps the version read at start for good (tests of a stale instance); default true
     * @param pauseBudgetMs     how long a write stopped by a moving shard's fence waits for the next version before it
     *                          fails (default 5000)
     * @param instance          this instance's name in the store's record of who runs which version (default: host
     *                          name and process id)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TopologyConfig(String store, Long refreshIntervalMs, Boolean refresh, Long pauseBudgetMs,
                                 String instance) {
        /** A store with the defaults. */
        public TopologyConfig(String store) {
            this(store, null, null, null, null);
        }
    }

    /**
     * Hot-key tracking ({@code io.shardkit.cluster.HotKeys}); null fields take the defaults. Read when the cluster
     * starts: a reconfigure keeps the tracking it has.
     *
     * @param enabled     whether to track at all (default false)
     * @param capacity    how many keys the sketch keeps (default 64, at most 65536)
     * @param sampleEvery one routed call in this many feeds the sketch (default 16; 1 feeds every call)
     * @param windowMs    the span the imbalance covers (default 60000)
     * @param bucketMs    the step the window slides by (default 10000); windowMs must be a whole number of them
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record HotKeysConfig(Boolean enabled, Integer capacity, Integer sampleEvery, Long windowMs, Long bucketMs) {
    }

    /**
     * What a table of every shard's schema is, when it is not a plain sharded table.
     *
     * @param reference true: a reference table — every shard holds all of its rows (currencies, countries), written on
     *                  every shard in one atomic transaction ({@code ShardCluster.reference()}), read from one, and
     *                  joinable with any sharded table in a fan-out; false: a sharded table, as if not listed
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TableConfig(Boolean reference) {
        /** A reference table. */
        public static final TableConfig REFERENCE = new TableConfig(true);
    }

    /**
     * A physical database: one HikariCP pool, plus one per read replica. {@code toString()} never shows a password.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DatabaseConfig(String url, String username, String password, String dialect, PoolConfig pool,
                                 List<ReplicaConfig> replicas) {
        public DatabaseConfig {
            replicas = replicas == null ? List.of() : List.copyOf(replicas);
        }

        /** A database without replicas. */
        public DatabaseConfig(String url, String username, String password, String dialect, PoolConfig pool) {
            this(url, username, password, dialect, pool, null);
        }

        @Override
        public String toString() {
            return "DatabaseConfig[url=" + JdbcUrls.redact(url) + ", username=" + username
                    + ", password=" + (password == null ? "none" : "*****") + ", dialect=" + dialect + ", pool=" + pool
                    + ", replicas=" + replicas + "]";
        }
    }

    /** A read replica of a database; same dialect as its primary. {@code toString()} never shows the password. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ReplicaConfig(String url, String username, String password, PoolConfig pool) {
        @Override
        public String toString() {
            return "ReplicaConfig[url=" + JdbcUrls.redact(url) + ", username=" + username
                    + ", password=" + (password == null ? "none" : "*****") + ", pool=" + pool + "]";
        }
    }

    /**
     * How reads use replicas; null fields take the defaults.
     *
     * @param maxReplicaLagMs           a replica further behind than this is skipped (default 1000)
     * @param lagCheckIntervalMs        how long a measured lag is trusted before it is measured again (default 250)
     * @param retryFailedReplicaAfterMs how long a replica that failed is left alone (default 5000)
     * @param stickyAfterWriteMs        after a write in a session, that session's reads of the shard go to the
     *                                  primary for this long (default 0: rely on consistency tokens)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ReadsConfig(Long maxReplicaLagMs, Long lagCheckIntervalMs, Long retryFailedReplicaAfterMs,
                              Long stickyAfterWriteMs) {
    }

    /**
     * What the {@code shard-migrate} CLI applies to every shard; the router itself ignores this section.
     *
     * @param locations  Flyway locations ({@code filesystem:db/migration}, {@code classpath:db/migration}); a
     *                   relative {@code filesystem:} path is read from the directory of the file that names it
     * @param allowClean whether {@code clean} (which drops every object in every shard's schema) may run at all;
     *                   the CLI also wants {@code --allow-clean} on the command line. Default false.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record MigrationsConfig(List<String> locations, Boolean allowClean) {
        public MigrationsConfig {
            locations = locations == null ? List.of() : List.copyOf(locations);
        }
    }

    /**
     * Pool settings passed to HikariCP; null means HikariCP's default.
     *
     * @param statementTimeoutMs the longest one statement may run on this database, or null for no limit. The server
     *                           stops a statement at it (PostgreSQL {@code statement_timeout}, MariaDB
     *                           {@code max_statement_time}, H2 {@code QUERY_TIMEOUT}), and the driver gives up on a
     *                           server that does not answer at all (a hung or unreachable host) one second later, so
     *                           no caller waits longer on it. It bounds every statement on the pool, migrations run
     *                           through the cluster and fan-out reads included.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PoolConfig(Integer maximumPoolSize, Integer minimumIdle, Long connectionTimeoutMs,
                             Long idleTimeoutMs, Long maxLifetimeMs, Long statementTimeoutMs) {
        /** Without a statement timeout. */
        public PoolConfig(Integer maximumPoolSize, Integer minimumIdle, Long connectionTimeoutMs, Long idleTimeoutMs,
                          Long maxLifetimeMs) {
            this(maximumPoolSize, minimumIdle, connectionTimeoutMs, idleTimeoutMs, maxLifetimeMs, null);
        }
    }

    /** A logical shard on a database; {@code schema} set when several logical shards share one database. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ShardConfig(String id, String database, String schema, Integer weight) {
    }

    /**
     * @param type         range, modulo, consistent-hash, jump or embedded-id
     * @param hash         murmur3 (default) or fnv1a32; not for range or embedded-id
     * @param virtualNodes points per unit of weight on the ring; consistent-hash only
     * @param ranges       the ranges; range only
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record StrategyConfig(String type, String hash, Integer virtualNodes, List<RangeConfig> ranges) {
        public StrategyConfig {
            ranges = ranges == null ? null : List.copyOf(ranges);
        }
    }

    /** Keys from {@code from} (inclusive) to {@code to} (exclusive); the word {@code unbounded} opens an end. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RangeConfig(String shard, String from, String to) {
    }
}
