package io.shardkit.cluster;

import io.shardkit.cluster.atomic.AtomicTransactions;
import io.shardkit.cluster.atomic.AtomicWork;
import io.shardkit.cluster.config.ClusterConfig;
import io.shardkit.cluster.internal.ClusterPlan;
import io.shardkit.cluster.config.ShardsYaml;
import io.shardkit.router.ShardException;
import io.shardkit.router.ShardId;
import io.shardkit.router.ShardRouter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.jooq.Configuration;
import org.jooq.DSLContext;
import org.jooq.conf.RenderQuotedNames;
import org.jooq.conf.Settings;
import org.jooq.impl.DefaultConfiguration;

/**
 * Many databases used as one: routes a shard key to its logical shard, and the logical shard to a pool and a
 * jOOQ {@link DSLContext}. One HikariCP pool per physical database (and per replica), shared by the logical shards
 * on it; one {@code DSLContext} per logical shard, derived from a single jOOQ {@link Configuration}, rendering the
 * shard's schema in place of unqualified names when the shard has one.
 *
 * <p>Built from {@code shards.yml} ({@link #fromYaml}) or a {@link #builder()}; everything is validated before any
 * connection is opened. Thread-safe. {@link #reconfigure} swaps the whole topology atomically.
 */
public final class ShardCluster implements AutoCloseable {
    private final LiveTopology topology;
    private final ShardedRepositories repositories = new ShardedRepositories(this);
    private final SharedTopology shared; // null for a static topology
    private volatile AtomicTransactions atomic; // made at first use
    final HotKeyTracker hotKeys;
    private final Topology.Instruments instruments;

    /** The name of a cluster not given one: its pools are {@code shardkit-<database>}, its meters' cluster tag this. */
    public static final String DEFAULT_NAME = "shardkit";

    /** How long a pool replaced by {@link #reconfigure} may take to drain before it is closed anyway. */
    public static final Duration DEFAULT_RETIRED_POOL_GRACE_PERIOD = Duration.ofSeconds(30);

    private ShardCluster(ClusterPlan plan, Configuration jooq, Duration retiredPoolGracePeriod, SharedTopology shared,
                         Topology.Instruments instruments) {
        this.shared = shared;
        this.hotKeys = new HotKeyTracker(plan.hotKeys());
        this.instruments = instruments;
        this.topology = new LiveTopology(plan, shared == null ? jooq : jooq.deriveAppending(new FenceWait(shared)),
                retiredPoolGracePeriod, instruments);
        if (plan.hotKeys().enabled()) instruments.metrics().hotShards(this::hotKeys);
    }

    /**
     * Starts {@code config}'s cluster; with a {@code topology} store, on the store's newest shard map (publishing this
     * configuration's map as version 1 when there is none) and following it from then on.
     */
    static ShardCluster start(ClusterConfig config, Configuration jooq, Duration retiredPoolGracePeriod,
                                      Topology.Instruments instruments) {
        ClusterPlan plan = ClusterPlan.compile(config);
        if (config.topology() == null) return new ShardCluster(plan, jooq, retiredPoolGracePeriod, null, instruments);
        SharedTopology shared = SharedTopology.open(config, plan);
        try {
            ShardCluster cluster = new ShardCluster(ClusterPlan.compile(shared.config()), jooq, retiredPoolGracePeriod, shared,
                    instruments);
            shared.follow(cluster);
            return cluster;
        } catch (RuntimeException e) {
            shared.close();
            throw e;
        }
    }

    /** Reads, validates and starts the cluster described by a {@code shards.yml} file. */
    public static ShardCluster fromYaml(Path file) {
        return create(ShardsYaml.load(file));
    }

    /** As {@link #fromYaml(Path)}, resolving {@code ${VAR}} with {@code env} instead of the process environment. */
    public static ShardCluster fromYaml(Path file, Function<String, String> env) {
        return create(ShardsYaml.load(file, env));
    }

    /**
     * Validates {@code config} as a whole and starts the cluster: one pool per database and replica, a jOOQ context
     * per logical shard. Throws {@link io.shardkit.cluster.config.ShardConfigException} listing every problem
     * before any connection is opened.
     */
    public static ShardCluster create(ClusterConfig config) {
        return create(config, defaultJooqConfiguration());
    }

    /** Starts a cluster whose shard contexts derive from {@code jooq} (settings, listeners, converters kept). */
    public static ShardCluster create(ClusterConfig config, Configuration jooq) {
        Objects.requireNonNull(jooq, "jooq");
        return start(config, jooq, DEFAULT_RETIRED_POOL_GRACE_PERIOD, new Topology.Instruments(DEFAULT_NAME, ClusterMetrics.NONE));
    }

    /** A cluster described in code instead of {@code shards.yml}; see {@link ShardClusterBuilder}. */
    public static ShardClusterBuilder builder() {
        return new ShardClusterBuilder();
    }

    /** The default base: names built with {@code DSL.name(..)} render unquoted, so each database folds case as in plain SQL. */
    public static Configuration defaultJooqConfiguration() {
        return new DefaultConfiguration().set(new Settings().withRenderQuotedNames(RenderQuotedNames.EXPLICIT_DEFAULT_UNQUOTED));
    }

    // ---- routing ----------------------------------------------------------------------------------------------

    /** The logical shard of {@code key}, by the directory pins, then the strategy; no I/O. */
    public ShardId shardFor(long key) {
        return current().router.shardFor(key);
    }

    /**
     * The logical shard of a key of any supported type (long, int, String, UUID, byte[], Instant); a null key or one
     * of another type than the cluster's {@code keyType} fails here ({@code ShardException.Code.KEY}), before any
     * query.
     */
    public ShardId shardFor(Object key) {
        return current().router.shardFor(key);
    }

    /** The jOOQ context of the key's shard (primary). */
    public DSLContext dsl(long key) {
        Topology t = current();
        ShardId shard = t.router.shardFor(key);
        hotKeys.record(key, shard);
        return t.nodes.get(shard).shard.dsl();
    }

    /** The jOOQ context of the key's shard (primary): every statement it runs goes to that shard's database. */
    public DSLContext dsl(Object key) {
        return node(key).shard.dsl();
    }

    /** The jOOQ context of a shard by id. */
    public DSLContext dsl(ShardId shard) {
        return shard(shard).dsl();
    }

    /**
     * A context for reading the key's shard: a healthy replica within the lag bound (round-robin) when its database
     * has one, else the primary. It may not see the caller's latest writes — use a {@link #session()} for that.
     */
    public DSLContext readDsl(Object key) {
        ShardNode node = node(key);
        return node.dsl(node.chooseReplica());
    }

    /**
     * A context for reading the key's shard that sees everything {@code token} records: a replica only once it
     * has replayed past the token's position for the shard, waiting up to {@code waitForReplica}, else the primary.
     */
    public DSLContext readDsl(Object key, ConsistencyToken token, Duration waitForReplica) {
        Objects.requireNonNull(token, "token");
        ShardNode node = node(key);
        return node.dsl(node.chooseReplica(token.positionOf(node.shard.id()), waitForReplica));
    }

    /**
     * Runs {@code work} in one local transaction on the key's shard: committed when it returns, rolled back when it
     * throws. The transaction hands out repositories bound to it ({@link ShardTransaction#repository}).
     */
    public <T> T inTransaction(Object key, ShardWork<T> work) {
        return inTransactionOn(node(key), work);
    }

    <T> T inTransactionOn(ShardNode node, ShardWork<T> work) {
        Objects.requireNonNull(work, "work");
        ShardId id = node.shard.id();
        boolean[] workReturned = {false};
        try {
            return node.shard.dsl().transactionResult(cfg -> {
                T value = work.run(new ShardTransaction(cfg, id, this));
                workReturned[0] = true;
                return value;
            });
        } catch (RuntimeException e) {
            // A connection lost after the work returned was lost at the commit: it may have been applied.
            throw ShardFailures.translate(id, node.shard.database(), e, workReturned[0]);
        }
    }

    /**
     * Runs {@code work} on any shards and commits it on all of them or on none; see {@link AtomicTransactions#run}.
     * On one database it is a plain local transaction; across databases, a two-phase commit on PostgreSQL.
     */
    public <T> T inAtomicTransaction(AtomicWork<T> work) {
        return atomic().run(work);
    }

    /** This cluster's atomic transactions: settings, recovery, start-up checks. */
    public AtomicTransactions atomic() {
        AtomicTransactions a = atomic;
        if (a == null) {
            synchronized (this) {
                if (atomic == null) atomic = new AtomicTransactions(this);
                a = atomic;
            }
        }
        return a;
    }

    /**
     * The reference tables ({@code reference: true} under {@code tables:} in shards.yml, or
     * {@link ShardClusterBuilder#referenceTable}): every shard holds all their rows. Names as declared.
     */
    public java.util.Set<String> referenceTables() {
        return current().referenceTables;
    }

    /**
     * Writes and reads of the reference tables: a write runs on every shard in one atomic transaction, a read on one
     * shard; see {@link ReferenceData}.
     */
    public ReferenceData reference() {
        return new ReferenceData(this);
    }

    /** A caller's session with read-your-writes; see {@link ShardSession}. */
    public ShardSession session() {
        return new ShardSession(this, ConsistencyToken.NONE);
    }

    /** A session that also sees what {@code token} records, e.g. the writes of the previous request. */
    public ShardSession session(ConsistencyToken token) {
        return new ShardSession(this, Objects.requireNonNull(token, "token"));
    }

    // ---- repositories -----------------------------------------------------------------------------------------

    /**
     * A sharded repository: each call finds its {@link ShardKey} argument and runs on the implementation made by
     * {@code factory} for that key's shard (one per shard, made once and reused; {@link ReadOnly} methods on one
     * bound to a replica). The interface is checked now: a method without exactly one usable {@code @ShardKey}
     * fails here, not at its first call. The factory is remembered for transactions and sessions.
     */
    public <R> R repository(Class<R> type, Function<? super DSLContext, ? extends R> factory) {
        return repositories.register(type, factory);
    }

    <R> R transactionRepository(Class<R> type, ShardTransaction tx) {
        return repositories.forTransaction(type, tx);
    }

    <R> R sessionRepository(Class<R> type, ShardSession session) {
        return repositories.forSession(type, session);
    }

    /** The current key → shard mapping; replaced, not changed, by {@link #reconfigure}. */
    public ShardRouter router() {
        return current().router;
    }

    /** Every logical shard, in declaration order. */
    public List<Shard> shards() {
        return current().ordered;
    }

    /** A logical shard by id: its database, schema, dialect and context; an unknown id fails with {@code KEY}. */
    public Shard shard(ShardId id) {
        return node(Objects.requireNonNull(id, "id")).shard;
    }

    /** The node of a routed call's key: every keyed route passes here or counts itself as this does. */
    ShardNode node(Object key) {
        Topology t = current();
        ShardId shard = t.router.shardFor(key);
        hotKeys.record(key, shard);
        return t.nodes.get(shard);
    }

    ShardNode node(ShardId id) {
        Topology t = current();
        ShardNode n = t.nodes.get(id);
        if (n == null) {
            throw new ShardException(ShardException.Code.KEY, "unknown shard '" + id + "' — shards: "
                    + t.ordered.stream().map(Shard::id).toList());
        }
        return n;
    }

    Topology topology() {
        return current();
    }

    /** The {@code cluster} tag of its meters and the prefix of its pool names; see {@link ShardClusterBuilder#name}. */
    public String name() {
        return instruments.cluster();
    }

    /**
     * The registry given to {@link ShardClusterBuilder#meterRegistry}, for modules that add meters (fan-out, migrations). Safe to
     * call without Micrometer on the class path: it is then empty, and its erased type names no Micrometer class.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public java.util.Optional<io.micrometer.core.instrument.MeterRegistry> meterRegistry() {
        return (java.util.Optional) instruments.metrics().registry();
    }

    ClusterMetrics metrics() {
        return instruments.metrics();
    }

    ReadPolicy readPolicy() {
        return current().reads;
    }

    // ---- pools ------------------------------------------------------------------------------------------------

    /** Pool statistics of every physical database (primaries), in declaration order. */
    public List<PoolStats> poolStats() {
        return current().poolStats();
    }

    /** Pool statistics of one physical database (its primary's pool). */
    public PoolStats poolStats(String database) {
        return current().poolStats(database);
    }

    /**
     * Every read replica's status — usable or why not, lag, pool — in declaration order; empty without replicas.
     * Read from the background probes' last result: no I/O.
     */
    public List<ReplicaStatus> replicaStatus() {
        return current().replicaStatus();
    }

    /** The status of one physical database's replicas (empty when it has none); an unknown name fails with {@code KEY}. */
    public List<ReplicaStatus> replicaStatus(String database) {
        return current().replicaStatus(Objects.requireNonNull(database, "database"));
    }

    /** The most routed keys and each shard's load, as now; see {@link HotKeys} ({@code hotKeys:} in shards.yml). */
    public HotKeys hotKeys() {
        return hotKeys.snapshot(current().ordered.stream().map(Shard::id).toList());
    }

    // ---- topology ---------------------------------------------------------------------------------------------

    /**
     * Validates {@code config} and swaps the router, shard map and pools in one step. Pools of databases whose
     * configuration is unchanged are kept; when only settings HikariCP changes on a running pool differ
     * ({@code maximumPoolSize}, {@code minimumIdle}, the timeouts, {@code maxLifetime}) the pool is kept and changed;
     * otherwise a new one is opened before the swap, and the replaced one is retired: it gets no new borrowers and
     * closes once its borrowed connections are back (or after the grace period), so transactions and cursors under
     * way on it finish. Repositories are rebound before the swap: a failing repository factory fails this call.
     * On any error nothing changes.
     */
    public void reconfigure(ClusterConfig config) {
        topology.current();
        topology.reconfigure(ClusterPlan.compile(config), repositories::prepare);
    }

    /**
     * The version of the shared shard map this instance runs (see {@code topology:} in shards.yml), or 0 for a
     * static topology.
     */
    public long topologyVersion() {
        return shared == null ? 0 : shared.version();
    }

    /** Runs the shared topology's newest version now, instead of at the next refresh; nothing for a static one. */
    public void refreshTopology() {
        topology.current();
        if (shared != null) shared.refresh();
    }

    private Topology current() {
        return topology.current();
    }

    /** Stops following the topology store, stops the replica probes and closes every pool. */
    @Override
    public void close() {
        if (atomic != null) atomic.close();
        if (shared != null) shared.close();
        topology.close();
    }

    @Override
    public String toString() {
        Topology t = topology.last();
        return "ShardCluster[" + t.ordered.size() + " shards on " + t.databaseCount() + " databases, " + t.router + "]";
    }
}
