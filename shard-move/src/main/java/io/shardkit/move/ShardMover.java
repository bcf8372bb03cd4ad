package io.shardkit.move;

import io.shardkit.cluster.config.ClusterConfig;
import io.shardkit.cluster.topology.TopologyStore;
import io.shardkit.cluster.topology.TopologyVersion;
import io.shardkit.move.MoveJob.State;
import io.shardkit.move.copy.Catalog;
import io.shardkit.move.copy.TableInfo;
import io.shardkit.move.fence.Fence;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Consumer;
import org.jooq.DSLContext;
import org.jooq.impl.DataSourceConnectionProvider;

/**
 * Moves logical shards between databases while the service runs. A move is a job in the control database; each
 * step records its state, so a mover that dies is resumed ({@link #resume}) or undone ({@link #cancel}) by another.
 * Online between PostgreSQL databases (logical replication; writes pause only for the cutover), block-writes
 * anywhere (writes pause for the copy). Either way a fence in the source database refuses every write once the
 * cutover starts — from any instance, however stale — and the next topology version sends writes to the target.
 *
 * <pre>{@code
 * try (ShardMover mover = ShardMover.configure(config).load()) {
 *     MoveReport r = mover.moveShard("s3", "db4", null);
 *     mover.finish(r.job());                        // deletes the source's rows, once nothing needs them
 * }
 * }</pre>
 */
public final class ShardMover implements AutoCloseable {
    private final Databases databases;
    private final TopologyStore store;
    private final MoveJobs jobs;
    private final Options options;
    private final DatabaseImports imports;

    /** What a mover runs with; see {@link Settings}. */
    record Options(int batch, Duration pauseBudget, Duration lease, String owner, Consumer<MoveJob> onState) {
    }

    private ShardMover(ClusterConfig config, Settings s) {
        if (config.topology() == null) {
            throw new MoveRefusedException("this configuration has no topology store — a move publishes the next shard"
                    + " map for every instance to follow: add topology: { store: <database> }");
        }
        config.validate();
        this.databases = new Databases(config);
        try {
            String control = config.topology().store();
            DSLContext dsl = databases.dsl(control);
            this.store = TopologyStore.open(((DataSourceConnectionProvider) dsl.configuration().connectionProvider())
                    .dataSource(), databases.dialect(control));
            this.jobs = new MoveJobs(dsl);
        } catch (RuntimeException e) {
            databases.close();
            throw e;
        }
        Duration budget = Duration.ofMillis(config.topology().pauseBudgetMs() == null ? 5_000 : config.topology().pauseBudgetMs());
        this.options = new Options(s.batch, budget, s.lease, s.owner, s.onState);
        this.imports = new DatabaseImports(config, databases, store, options);
    }

    /** Settings of a mover for {@code config} (which must name a topology store). */
    public static Settings configure(ClusterConfig config) {
        return new Settings(Objects.requireNonNull(config, "config"));
    }

    /** A mover's settings; {@link #load()} makes it. */
    public static final class Settings {
        private final ClusterConfig config;
        private int batch = 1_000;
        private Duration lease = Duration.ofSeconds(30);
        private String owner = "mover-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8);
        private Consumer<MoveJob> onState = job -> { };

        private Settings(ClusterConfig config) {
            this.config = config;
        }

        /** Rows per copy batch, and per key batch when finish deletes a tenant's rows (default 1,000). */
        public Settings batchSize(int rows) {
            if (rows < 1 || rows > 100_000) throw new IllegalArgumentException("batchSize must be 1 to 100,000: " + rows);
            this.batch = rows;
            return this;
        }

        /**
         * How long a job stays this mover's after its last step (default 30 s): a mover that dies leaves the job to
         * others once it expires. Each step renews it.
         */
        public Settings lease(Duration lease) {
            if (lease.isNegative() || lease.isZero()) throw new IllegalArgumentException("lease must be positive: " + lease);
            this.lease = lease;
            return this;
        }

        /** This mover's name in the jobs' leases (default: pid and a random suffix). */
        public Settings owner(String owner) {
            this.owner = Objects.requireNonNull(owner, "owner");
            return this;
        }

        /** Called after each step a job reaches (progress for a command line, a test's hook). */
        public Settings onState(Consumer<MoveJob> onState) {
            this.onState = Objects.requireNonNull(onState, "onState");
            return this;
        }

        public ShardMover load() {
            return new ShardMover(config, this);
        }
    }

    /** The store this mover publishes to (for {@code topology show|history}). */
    public TopologyStore store() {
        return store;
    }

    /** Every move job, oldest first. */
    public List<MoveJob> jobs() {
        return jobs.all();
    }

    public MoveJob job(long id) {
        return jobs.get(id);
    }

    /** {@link #move(MoveRequest)} of a whole shard, in the mode the databases allow (online on PostgreSQL). */
    public MoveReport moveShard(String shard, String toDatabase, String toSchema) {
        return move(MoveRequest.shard(shard, toDatabase, toSchema));
    }

    /** {@link #move(MoveRequest)} of a whole shard in {@code mode}. */
    public MoveReport moveShard(String shard, String toDatabase, String toSchema, MoveMode mode) {
        return move(MoveRequest.shard(shard, toDatabase, toSchema).mode(mode));
    }

    /** {@link #move(MoveRequest)} of one tenant, in the mode the databases allow. */
    public MoveReport moveTenant(Object tenant, String keyColumn, String toShard) {
        return move(MoveRequest.tenant(tenant, keyColumn, toShard));
    }

    /** {@link #move(MoveRequest)} of one tenant in {@code mode}. */
    public MoveReport moveTenant(Object tenant, String keyColumn, String toShard, MoveMode mode) {
        return move(MoveRequest.tenant(tenant, keyColumn, toShard).mode(mode));
    }

    /**
     * Checks a move and says how it would run, changing nothing.
     *
     * @throws MoveRefusedException naming why the move cannot run
     */
    public MovePlan plan(MoveRequest request) {
        return resolve(request).plan(databases, options.pauseBudget());
    }

    /**
     * Moves what {@code request} names: a shard onto another database, whose tables must exist (migrated to the
     * shard's version) and be empty; or a tenant to another shard, whose tables must hold none of its rows. Returns
     * once the next topology version routes it there. A failure before that undoes the move (the job ends CANCELLED)
     * and is thrown. The source keeps the moved rows, behind the fence, until {@link #finish}.
     *
     * @throws MoveRefusedException before anything changed, naming why
     */
    public MoveReport move(MoveRequest request) {
        return new MoveRun(create(request), databases, jobs, store, options).toSwitched();
    }

    /**
     * The first half of a move, for an operator who cuts over later ({@link #cutover}): online, the copy, the catch-up
     * and the verify while writes go on (the job ends VERIFIED, and replication keeps following the source);
     * block-writes, only the fence's triggers installed (the job ends COPYING, the fence open: the pause, which is the
     * copy, comes with the cutover).
     */
    public MoveJob start(MoveRequest request) {
        MoveJob job = create(request);
        new MoveRun(job, databases, jobs, store, options).prepare();
        return jobs.get(job.id());
    }

    /** The rest of a started move: the fence closes, the last changes arrive (block-writes: the copy), then the switch. */
    public MoveReport cutover(long jobId) {
        return resume(jobId);
    }

    /**
     * Compares the source and the target of a started online move now, while writes go on: every row that differs
     * after 3 re-reads, 200 ms apart, is reported. Only a job that is CATCHING_UP or VERIFIED has both sides to compare.
     */
    public io.shardkit.move.verify.DiffReport verify(long jobId) {
        MoveJob job = jobs.get(jobId);
        if (job.mode() == MoveMode.BLOCK_WRITES) {
            throw new MoveRefusedException("job " + jobId + " moves in block-writes mode: its copy is verified as part"
                    + " of its cutover, while the fence holds the source still");
        }
        if (job.state() != State.CATCHING_UP && job.state() != State.VERIFIED) {
            throw new MoveRefusedException("job " + jobId + " is " + job.state() + " — verify compares an online move that"
                    + " is CATCHING_UP or VERIFIED (start it first; after the switch the target moves on)");
        }
        return new MoveRun(job, databases, jobs, store, options).verifyNow();
    }

    private MoveJob create(MoveRequest request) {
        ResolvedMove move = resolve(request);
        move.check(databases);
        MovedRows r = move.rows();
        MoveJob job = jobs.create(r.shard(), move.from(), move.to(), move.mode(), options.owner(), options.lease(),
                r.tenant(), r.keyColumn(), r.toShard());
        options.onState().accept(job);
        return job;
    }

    private ResolvedMove resolve(MoveRequest request) {
        TopologyVersion current = store.latest().orElseThrow(() -> new MoveRefusedException(
                "the topology store holds no version yet — start an instance (or the cluster) once to publish version 1"));
        return ResolvedMove.of(request, current, databases);
    }

    /**
     * Runs a job on from the state it recorded (its mover died or was stopped); returns once SWITCHED. Refused while
     * another mover holds its lease.
     */
    public MoveReport resume(long jobId) {
        MoveJob job = take(jobId);
        if (job.state().done() || job.state() == State.SWITCHED) {
            jobs.release(jobId, options.owner());
            throw new MoveRefusedException("job " + jobId + " is " + job.state() + " — nothing to resume");
        }
        return new MoveRun(job, databases, jobs, store, options).toSwitched();
    }

    /**
     * Undoes a job that was not switched: the fence opens and goes, an online move's replication is dropped, the rows
     * copied to the target are deleted; the job ends CANCELLED. Refused once SWITCHED (finish it instead).
     */
    public MoveJob cancel(long jobId) {
        MoveJob job = take(jobId);
        try {
            if (job.state() == State.SWITCHED || job.state().done()) {
                throw new MoveRefusedException("job " + jobId + " is " + job.state() + " — a switched move is not undone;"
                        + " finish it, or move the shard back");
            }
            TopologyVersion latest = store.latest().orElseThrow();
            if (MovedRows.of(job, latest.map()).arrived(latest.map(), job.to())) {
                throw new MoveRefusedException("job " + jobId + ": topology version " + latest.version() + " already"
                        + " routes " + job.what() + " to " + job.to() + " — resume the job to record it SWITCHED");
            }
            new MoveRun(job, databases, jobs, store, options).undo();
            jobs.advance(job, State.CANCELLED, null, "cancelled by " + options.owner(), options.owner(), options.lease());
            return jobs.get(jobId);
        } finally {
            jobs.release(jobId, options.owner());
        }
    }

    /**
     * After a switched move: deletes the shard's rows at its old place, which the fence still guards; the job ends
     * FINISHED. The fence and its triggers go only once every instance in the store runs the move's version or a later
     * one; until then a stale instance's writes there keep being refused.
     *
     * @return whether the fence was removed too
     */
    public boolean finish(long jobId) {
        MoveJob job = take(jobId);
        try {
            if (job.state() != State.SWITCHED && job.state() != State.FINISHED) {
                throw new MoveRefusedException("job " + jobId + " is " + job.state() + " — finish only a switched move");
            }
            DSLContext source = databases.dsl(job.from().database());
            List<TableInfo> tables = Catalog.tables(source, job.from().schema());
            List<String> names = tables.stream().map(TableInfo::name).toList();
            MovedRows rows = MovedRows.of(job, store.latest().orElseThrow().map());
            Fence fence = new Fence(source, job.from().schema(), rows.fenceName());
            if (rows.isTenant()) {
                for (TableInfo t : tables) fence.deleteBehind(rows.pages(source, job.from().schema(), t), options.batch());
            } else {
                fence.deleteBehind(names);
            }
            boolean everyoneMoved = store.instances().stream().allMatch(i -> i.version() >= job.version());
            if (everyoneMoved) fence.remove(names);
            jobs.advance(job, State.FINISHED, null, everyoneMoved ? "source rows deleted, fence removed"
                    : "source rows deleted; the fence stays until every instance runs version " + job.version(),
                    options.owner(), options.lease());
            return everyoneMoved;
        } finally {
            jobs.release(jobId, options.owner());
        }
    }

    private MoveJob take(long jobId) {
        MoveJob job = jobs.get(jobId);
        if (!jobs.lease(jobId, options.owner(), options.lease())) {
            throw new MoveRefusedException("job " + jobId + " is held by " + job.owner() + " — wait for its lease to"
                    + " expire (that mover stopped) or for it to finish");
        }
        return jobs.get(jobId);
    }

    /** Imports a single database into the cluster; see {@link DatabaseImports#start}. */
    public ImportReport importDatabase(ImportRequest request) {
        return imports.start(request);
    }

    /** Import jobs: resume, cancel, verify, list; see {@link DatabaseImports}. */
    public DatabaseImports imports() {
        return imports;
    }

    @Override
    public void close() {
        databases.close();
    }
}
