package io.shardkit.move;

import io.shardkit.cluster.config.ClusterConfig;
import io.shardkit.cluster.config.ClusterConfig.ShardConfig;
import io.shardkit.cluster.config.ShardMap;
import io.shardkit.cluster.topology.TopologyStore;
import io.shardkit.cluster.topology.TopologyVersion;
import io.shardkit.move.MoveReport.Place;
import io.shardkit.move.copy.BatchCopy;
import io.shardkit.move.copy.Catalog;
import io.shardkit.move.copy.KeysetPages;
import io.shardkit.move.copy.TableInfo;
import io.shardkit.move.fence.Fence;
import io.shardkit.move.online.LogicalReplication;
import io.shardkit.move.verify.DiffReport;
import io.shardkit.move.verify.ShardDiff;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a logical shard to another database, in block-writes mode: a fence in the source database closes (waiting for
 * writes in flight), the shard's tables are copied in primary-key batches, source and target are compared, and the
 * next topology version places the shard on the target. Writes to the shard wait for the copy (its "pause"); reads
 * go on. Instances that follow the topology send the waiting writes to the target; one that does not can never write
 * to the source again — the fence refuses it — though it still reads the source as it was when the fence closed.
 *
 * <pre>{@code
 * try (ShardMover mover = ShardMover.configure(config).load()) {
 *     MoveReport r = mover.moveShard("s3", "db4", null);
 *     mover.finish("s3", r.from());                  // deletes the source's rows, once nothing needs them
 * }
 * }</pre>
 */
public final class ShardMover implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ShardMover.class);

    private final Databases databases;
    private final TopologyStore store;
    private final int batch;
    private final Duration pauseBudget;
    /** How long an online move's initial copy and catch-up may take before it gives up (the fence stays open). */
    private static final Duration COPY_LIMIT = Duration.ofHours(12);

    private ShardMover(ClusterConfig config, int batch) {
        if (config.topology() == null) {
            throw new MoveRefusedException("this configuration has no topology store — a move publishes the next shard"
                    + " map for every instance to follow: add topology: { store: <database> }");
        }
        config.validate();
        this.databases = new Databases(config);
        this.batch = batch;
        this.pauseBudget = Duration.ofMillis(config.topology().pauseBudgetMs() == null ? 5_000 : config.topology().pauseBudgetMs());
        String control = config.topology().store();
        DSLContext dsl = databases.dsl(control);
        this.store = TopologyStore.open(Objects.requireNonNull(dsl.configuration().connectionProvider() instanceof
                org.jooq.impl.DataSourceConnectionProvider p ? p.dataSource() : null), databases.dialect(control));
    }

    /** Settings of a mover for {@code config} (which must name a topology store). */
    public static Settings configure(ClusterConfig config) {
        return new Settings(Objects.requireNonNull(config, "config"));
    }

    /** A mover's settings; {@link #load()} makes it. */
    public static final class Settings {
        private final ClusterConfig config;
        private int batch = 1_000;

        private Settings(ClusterConfig config) {
            this.config = config;
        }

        /** Rows per copy batch and per verify chunk (default 1,000). */
        public Settings batchSize(int rows) {
            if (rows < 1 || rows > 100_000) throw new IllegalArgumentException("batchSize must be 1 to 100,000: " + rows);
            this.batch = rows;
            return this;
        }

        public ShardMover load() {
            return new ShardMover(config, batch);
        }
    }

    /** The store this mover publishes to (for {@code topology show|history}). */
    public TopologyStore store() {
        return store;
    }

    /**
     * Moves {@code shard} onto {@code toDatabase} (and {@code toSchema}, or the database's default schema when null),
     * whose tables must exist (migrated to the shard's version) and be empty.
     *
     * @throws MoveRefusedException before anything changed, naming why
     */
    public MoveReport moveShard(String shard, String toDatabase, String toSchema) {
        return moveShard(shard, toDatabase, toSchema, null);
    }

    /**
     * As {@link #moveShard(String, String, String)}, in {@code mode}; null for {@link MoveMode#ONLINE} between
     * PostgreSQL databases and {@link MoveMode#BLOCK_WRITES} elsewhere.
     */
    public MoveReport moveShard(String shard, String toDatabase, String toSchema, MoveMode mode) {
        TopologyVersion current = store.latest().orElseThrow(() -> new MoveRefusedException(
                "the topology store holds no version yet — start an instance (or the cluster) once to publish version 1"));
        ShardConfig placed = current.map().shard(shard);
        if (placed == null) {
            throw new MoveRefusedException("no logical shard '" + shard + "' in topology version " + current.version());
        }
        Place from = new Place(placed.database(), placed.schema());
        Place to = new Place(toDatabase, toSchema);
        List<TableInfo> tables = plan(current.map(), shard, from, to);
        DSLContext source = databases.dsl(from.database());
        DSLContext target = databases.dsl(to.database());
        boolean postgres = databases.dialect(from.database()) == SQLDialect.POSTGRES;
        MoveMode chosen = mode != null ? mode : postgres ? MoveMode.ONLINE : MoveMode.BLOCK_WRITES;
        LogicalReplication replication = null;
        if (chosen == MoveMode.ONLINE) {
            if (!postgres) {
                throw new MoveRefusedException("move " + shard + ": " + databases.dialect(from.database()) + " has no"
                        + " online move — use MoveMode.BLOCK_WRITES");
            }
            replication = new LogicalReplication(source, target, "shardkit_move_" + shard);
            String why = replication.cannotPublish();
            if (why != null) throw new MoveRefusedException("move " + shard + ": " + why);
        }

        Fence fence = new Fence(source, from.schema(), "shard:" + shard);
        List<String> names = tables.stream().map(TableInfo::name).toList();
        fence.install(names, null, null);
        try {
            long closedAt;
            Map<String, Long> copied = new LinkedHashMap<>();
            if (replication != null) {
                var c = databases.config(from.database());
                replication.start(tables.stream().map(t -> source.render(pages(source, from, t).table())).toList(),
                        c.url(), c.username(), c.password());
                replication.awaitCopied(COPY_LIMIT);
                replication.awaitNearlyCaughtUp(COPY_LIMIT);
                closedAt = System.nanoTime();
                fence.close();
                String position = replication.sourcePosition(); // read after the fence: every fenced write is before it
                if (!replication.awaitAppliedPast(position, pauseBudget)) {
                    throw new MoveRefusedException("move " + shard + ": the target did not apply the last changes within"
                            + " the pause budget (" + pauseBudget.toMillis() + " ms) — the fence is open again; run the"
                            + " move again when the source is quieter");
                }
                for (TableInfo t : tables) copied.put(t.name(), (long) target.fetchCount(pages(target, to, t).table()));
            } else {
                closedAt = System.nanoTime();
                fence.close();
                LOG.info("move {}: fence closed on {}; copying {} tables", shard, from, tables.size());
                for (TableInfo t : tables) {
                    copied.put(t.name(), BatchCopy.copy(pages(source, from, t), target, pages(target, to, t), batch, null));
                }
            }
            DiffReport verify = ShardDiff.compare(tables, t -> pages(source, from, t), t -> pages(target, to, t), batch);
            if (!verify.clean()) {
                throw new MoveRefusedException("move " + shard + ": verify found " + verify.mismatches().size()
                        + " differing rows after the copy (first: " + verify.mismatches().getFirst() + ") — the move is"
                        + " cancelled; the target keeps the copied rows for inspection");
            }
            ShardMap next = current.map().withPlacement(shard, to.database(), to.schema());
            TopologyVersion published = store.publish(current.version(), next, "move " + shard + " from " + from + " to " + to)
                    .orElseThrow(() -> new MoveRefusedException("move " + shard + ": the topology changed during the"
                            + " copy (another publisher) — the move is cancelled; run it again"));
            Duration pause = Duration.ofNanos(System.nanoTime() - closedAt);
            LOG.info("move {} ({}): version {} places it on {}; writes paused {} ms", shard, chosen, published.version(),
                    to, pause.toMillis());
            if (replication != null) stopQuietly(replication, shard);
            return new MoveReport(shard, from, to, copied, verify, pause, published.version());
        } catch (RuntimeException e) {
            try {
                fence.open(); // nothing was published: writes go on at the source
                fence.remove(names);
                if (replication != null) replication.stop();
            } catch (RuntimeException reopen) {
                e.addSuppressed(reopen); // the fence stays closed: cancel(shard, to) opens it once the database answers
            }
            throw e;
        }
    }

    private static KeysetPages pages(DSLContext db, Place place, TableInfo t) {
        return new KeysetPages(db, place.schema(), t, null);
    }

    /** The move is done once published; a replication left behind is logged, and cancel or finish drops it. */
    private static void stopQuietly(LogicalReplication replication, String shard) {
        try {
            replication.stop();
        } catch (RuntimeException e) {
            LOG.warn("move {}: published, but the replication could not be dropped ({}); finish drops it", shard, e.getMessage());
        }
    }

    /**
     * After a move: deletes the shard's rows at its old place, which the fence still guards. The fence and its triggers
     * are removed only once every instance the store knows runs a version at or after the move's; until then a stale
     * instance's writes there keep being refused.
     *
     * @return whether the fence was removed too
     */
    public boolean finish(String shard, Place from) {
        TopologyVersion current = store.latest().orElseThrow();
        ShardConfig placed = current.map().shard(shard);
        if (placed == null || (placed.database().equals(from.database()) && Objects.equals(placed.schema(), from.schema()))) {
            throw new MoveRefusedException("finish " + shard + ": topology version " + current.version() + " still places"
                    + " it on " + from + " — finish only a move that was cut over");
        }
        DSLContext source = databases.dsl(from.database());
        List<TableInfo> tables = Catalog.tables(source, from.schema());
        Fence fence = new Fence(source, from.schema(), "shard:" + shard);
        List<String> names = tables.stream().map(TableInfo::name).toList();
        fence.deleteBehind(names);
        boolean everyoneMoved = store.instances().stream().allMatch(i -> i.version() >= current.version());
        if (everyoneMoved) fence.remove(names);
        return everyoneMoved;
    }

    /**
     * Undoes a move that was not cut over (the mover died, or was stopped, after closing the fence): the fence at the
     * shard's place opens and its triggers go, and the rows copied to {@code to} are deleted. Refused once the
     * topology places the shard on {@code to}: that move is done — {@link #finish} it.
     */
    public void cancel(String shard, Place to) {
        TopologyVersion current = store.latest().orElseThrow();
        ShardConfig placed = current.map().shard(shard);
        if (placed == null) throw new MoveRefusedException("no logical shard '" + shard + "' in topology version " + current.version());
        Place from = new Place(placed.database(), placed.schema());
        if (from.equals(to)) {
            throw new MoveRefusedException("cancel " + shard + ": topology version " + current.version() + " already"
                    + " places it on " + to + " — the move was cut over; finish it instead");
        }
        for (ShardConfig other : current.map().shards()) {
            if (other.database().equals(to.database()) && Objects.equals(other.schema(), to.schema())) {
                throw new MoveRefusedException("cancel " + shard + ": " + to + " holds " + other.id() + " — its rows are"
                        + " not this move's to delete");
            }
        }
        DSLContext source = databases.dsl(from.database());
        List<String> names = Catalog.tables(source, from.schema()).stream().map(TableInfo::name).toList();
        Fence fence = new Fence(source, from.schema(), "shard:" + shard);
        fence.open();
        fence.remove(names);
        DSLContext target = databases.dsl(to.database());
        if (databases.dialect(from.database()) == SQLDialect.POSTGRES) {
            new LogicalReplication(source, target, "shardkit_move_" + shard).stop(); // before its rows are deleted
        }
        for (TableInfo t : Catalog.tables(target, to.schema())) {
            if (names.contains(t.name())) target.deleteFrom(new KeysetPages(target, to.schema(), t, null).table()).execute();
        }
        LOG.info("move {} to {} cancelled: the fence on {} is open and removed, the copied rows deleted", shard, to, from);
    }

    private List<TableInfo> plan(ShardMap map, String shard, Place from, Place to) {
        if (!databases.known(to.database())) {
            throw new MoveRefusedException("no database named '" + to.database() + "' in this configuration — add it"
                    + " to databases on every instance first");
        }
        if (from.database().equals(to.database()) && Objects.equals(from.schema(), to.schema())) {
            throw new MoveRefusedException(shard + " is already on " + to);
        }
        for (ShardConfig other : map.shards()) {
            if (other.id().equals(shard)) continue;
            if (other.database().equals(from.database()) && Objects.equals(other.schema(), from.schema())) {
                throw new MoveRefusedException(shard + " shares " + from + " with " + other.id() + " — a logical shard"
                        + " moves whole only from a schema or database of its own; move a tenant instead");
            }
            if (other.database().equals(to.database()) && Objects.equals(other.schema(), to.schema())) {
                throw new MoveRefusedException(to + " already holds " + other.id() + " — move " + shard + " into a"
                        + " schema of its own (toSchema)");
            }
        }
        if (databases.dialect(from.database()) != databases.dialect(to.database())) {
            throw new MoveRefusedException("move " + shard + ": " + from.database() + " is " + databases.dialect(from.database())
                    + " and " + to.database() + " is " + databases.dialect(to.database()) + " — a shard moves between"
                    + " databases of one kind");
        }
        List<TableInfo> tables = Catalog.tables(databases.dsl(from.database()), from.schema());
        Map<String, TableInfo> targets = new LinkedHashMap<>();
        Catalog.tables(databases.dsl(to.database()), to.schema()).forEach(t -> targets.put(t.name(), t));
        DSLContext target = databases.dsl(to.database());
        for (TableInfo t : tables) {
            if (t.primaryKey().isEmpty()) {
                throw new MoveRefusedException("table " + t.name() + " of " + shard + " has no primary key — a move"
                        + " copies and verifies by key; add one");
            }
            TableInfo there = targets.get(t.name());
            if (there == null || !there.columns().equals(t.columns())) {
                throw new MoveRefusedException("table " + t.name() + " is " + (there == null ? "missing" : "different")
                        + " on " + to + " — migrate the target to the shard's version first (shard-migrate)");
            }
            if (target.fetchExists(new KeysetPages(target, to.schema(), t, null).table())) {
                throw new MoveRefusedException("table " + t.name() + " on " + to + " is not empty — a move copies into"
                        + " empty tables");
            }
        }
        return tables;
    }

    @Override
    public void close() {
        databases.close();
    }
}
