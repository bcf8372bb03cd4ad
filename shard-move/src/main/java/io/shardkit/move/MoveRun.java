package io.shardkit.move;

import io.shardkit.cluster.config.ShardMap;
import io.shardkit.cluster.topology.TopologyStore;
import io.shardkit.cluster.topology.TopologyVersion;
import io.shardkit.move.MoveJob.State;
import io.shardkit.move.MoveReport.Place;
import io.shardkit.move.copy.BatchCopy;
import io.shardkit.move.copy.Catalog;
import io.shardkit.move.copy.KeysetPages;
import io.shardkit.move.copy.Sequences;
import io.shardkit.move.copy.TableInfo;
import io.shardkit.move.fence.Fence;
import io.shardkit.move.online.LogicalReplication;
import io.shardkit.move.verify.DiffReport;
import io.shardkit.move.verify.Mismatch;
import io.shardkit.move.verify.ChunkedDiff;
import io.shardkit.move.verify.ShardDiff;
import io.shardkit.move.verify.VerifyProgress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One job's steps, run from the state its row records: every step is safe to run again, so a mover that died is
 * resumed by running the job from where it stopped. The job row says what exists: the fence from COPYING on, an
 * online move's replication from COPYING to SWITCHED.
 */
final class MoveRun {
    private static final Logger LOG = LoggerFactory.getLogger(ShardMover.class);
    /** How long an online move's initial copy and catch-up may take before it gives up (the fence stays open). */
    private static final Duration COPY_LIMIT = Duration.ofHours(12);

    private final Databases databases;
    private final MoveJobs jobs;
    private final TopologyStore store;
    private final String owner;
    private final Duration lease;
    private final Duration pauseBudget;
    private final int batch;
    private final Consumer<MoveJob> onState;
    private MoveJob job;
    private final DSLContext source;
    private final DSLContext target;
    private final List<TableInfo> tables;
    private final MovedRows rows;
    private final Fence fence;
    private final LogicalReplication replication; // null for block-writes
    private DiffReport verify = new DiffReport(Map.of(), List.of());
    private Duration verifyTime = Duration.ZERO;

    MoveRun(MoveJob job, Databases databases, MoveJobs jobs, TopologyStore store, ShardMover.Options options) {
        this.job = job;
        this.databases = databases;
        this.jobs = jobs;
        this.store = store;
        this.owner = options.owner();
        this.lease = options.lease();
        this.pauseBudget = options.pauseBudget();
        this.batch = options.batch();
        this.onState = options.onState();
        this.source = databases.dsl(job.from().database());
        this.target = databases.dsl(job.to().database());
        this.tables = Catalog.tables(source, job.from().schema());
        this.rows = MovedRows.of(job, store.latest().orElseThrow().map());
        this.fence = new Fence(source, job.from().schema(), rows.fenceName());
        this.replication = job.mode() == MoveMode.ONLINE
                ? new LogicalReplication(source, target, rows.replicationName(job.id())) : null;
    }

    /** Runs the job from its recorded state to SWITCHED; on a failure before the cutover, undoes it (CANCELLED). */
    MoveReport toSwitched() {
        run(true);
        if (replication != null) {
            try {
                replication.stop();
            } catch (RuntimeException e) {
                LOG.warn("move of {}: switched, but its replication could not be dropped ({}); finish drops it", job.what(),
                        e.getMessage());
            }
        }
        jobs.release(job.id(), owner);
        return report();
    }

    /**
     * Runs the job up to its cutover and stops: online, to VERIFIED (replication keeps following the source);
     * block-writes, to COPYING with the fence installed and still open (the copy is the pause, so it waits for the
     * cutover).
     */
    void prepare() {
        run(false);
        jobs.release(job.id(), owner);
    }

    /** Compares the two sides of an online move now, differing rows re-read (see {@link ShardMover#verify}). */
    DiffReport verifyNow() {
        return compareWhileWritesGoOn();
    }

    private void run(boolean cutover) {
        try {
            if (job.state() == State.PLANNED) {
                Fence leftover = new Fence(target, job.to().schema(), rows.fenceName()); // from an earlier move away
                leftover.open();
                leftover.remove(names());
                fence.install(names(), rows.isTenant() ? rows.column(tables.getFirst()) : null, rows.typedTenant());
                advance(State.COPYING, null, null);
            }
            if (!cutover && replication == null) return;
            if (job.state() == State.COPYING) copy();
            if (job.state() == State.CATCHING_UP) catchUp();
            if (!cutover) return;
            if (job.state() == State.VERIFIED || job.state() == State.CUTTING_OVER) cutOver();
        } catch (RuntimeException e) {
            try {
                // published already (the failure came after): the shard lives on the target; undoing would lose writes
                if (store.latest().filter(this::publishedByThisJob).isEmpty()) {
                    undo();
                    advance(State.CANCELLED, null, "failed: " + e.getMessage());
                }
            } catch (RuntimeException undo) {
                e.addSuppressed(undo); // the job stays where it failed: cancel or resume it once the databases answer
            }
            jobs.release(job.id(), owner);
            throw e;
        }
    }

    private void copy() {
        if (replication != null) {
            var c = databases.config(job.from().database());
            // the fence table rides along: its close, arriving at the target, says everything before it has too
            List<String> published = new java.util.ArrayList<>(tables.stream()
                    .map(t -> source.render(pages(source, job.from(), t).table()) + rows.rowFilter(source, t)).toList());
            published.add(fence.table() + " where (name = " + org.jooq.impl.DSL.inline(fence.name()) + ")");
            new Fence(target, job.to().schema(), fence.name()).table();
            replication.start(published, c.url(), c.username(), c.password());
            replication.awaitCopied(COPY_LIMIT);
            advance(State.CATCHING_UP, null, null);
            return;
        }
        fence.close(); // block-writes: the pause starts here
        for (TableInfo t : tables) pages(target, job.to(), t).deleteAll(); // a resumed copy starts over
        for (TableInfo t : tables) BatchCopy.copy(pages(source, job.from(), t), target, pages(target, job.to(), t), batch, null);
        long started = System.nanoTime();
        verify = diff(false).build().run(); // the fence holds the source still: one pass, nothing to re-read
        verifyTime = Duration.ofNanos(System.nanoTime() - started);
        if (!verify.clean()) {
            throw new MoveRefusedException("move of " + job.what() + ": verify found " + verify.mismatches().size()
                    + " differing rows after the copy (first: " + verify.mismatches().getFirst() + ")");
        }
        advance(State.VERIFIED, null, verify.rows() + " rows compared");
    }

    /** Online: near the source's position, then every table compared while writes go on, differing rows re-read. */
    private void catchUp() {
        DiffReport checked = compareWhileWritesGoOn();
        if (!checked.clean()) {
            throw new MoveRefusedException("move of " + job.what() + ": verify found " + checked.mismatches().size()
                    + " rows that still differ after 3 re-reads (first: " + checked.mismatches().getFirst() + ")");
        }
        verify = checked;
        advance(State.VERIFIED, null, verify.rows() + " rows compared while writes went on");
    }

    /**
     * Near the source's position, every table compared by chunk hashes, each differing row re-read 3 times, 200 ms
     * apart. Progress is saved per chunk, so a mover that dies mid-compare resumes it; a finished compare starts over.
     */
    private DiffReport compareWhileWritesGoOn() {
        replication.awaitNearlyCaughtUp(COPY_LIMIT);
        long started = System.nanoTime();
        VerifyProgress progress = VerifyProgress.of(databases.control(), "move-" + job.id());
        DiffReport first = diff(true).progress(progress).build().run();
        progress.clear();
        Map<String, TableInfo> byName = new LinkedHashMap<>();
        tables.forEach(t -> byName.put(t.name(), t));
        List<Mismatch> left;
        try {
            left = ShardDiff.recheck(first.mismatches(), n -> pages(source, job.from(), byName.get(n)),
                    n -> pages(target, job.to(), byName.get(n)), 3, Duration.ofMillis(200));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MoveRefusedException("move of " + job.what() + ": interrupted during verify");
        }
        verifyTime = Duration.ofNanos(System.nanoTime() - started);
        return new DiffReport(first.rowsCompared(), left, first.chunks(), first.chunksBisected(), first.rowsFetched());
    }

    /**
     * Source against target, chunk by chunk, in SQL hashes; a tenant's rows only. {@code whileWritesGoOn}: only the
     * rows up to each table's greatest key now — later ones are still on their way (the cutover counts them), and a
     * compare that chased them would not end while writers outpace it.
     */
    private ChunkedDiff.Builder diff(boolean whileWritesGoOn) {
        ChunkedDiff.Builder b = ChunkedDiff.builder().source(source, job.from().schema()).target(target, job.to().schema())
                .tables(tables);
        for (TableInfo t : tables) {
            KeysetPages mine = pages(source, job.from(), t);
            org.jooq.Condition only = rows.isTenant() ? rows.filter(t) : org.jooq.impl.DSL.noCondition();
            if (whileWritesGoOn) only = only.and(mine.upTo(mine.lastKey()));
            b.filter(t.name(), only);
        }
        return b;
    }

    /** Fence closed, the last changes applied, the next version published (unless this job already published it). */
    private void cutOver() {
        TopologyVersion current = store.latest().orElseThrow();
        if (publishedByThisJob(current)) {
            advance(State.SWITCHED, current.version(), "switched (found published on resume)");
            return;
        }
        // a started move may have waited long for its cutover: be near the source again before writes pause
        if (replication != null && job.state() == State.VERIFIED) replication.awaitNearlyCaughtUp(COPY_LIMIT);
        advance(State.CUTTING_OVER, null, null);
        List<Sequences.Generator> generators = Sequences.find(target, job.to().schema(), tables);
        long closedAt = System.nanoTime();
        String token = fence.close();
        if (replication != null) {
            if (!awaitCloseOnTarget(token)) {
                throw new MoveRefusedException("move of " + job.what() + ": the target did not apply the last changes within"
                        + " the pause budget (" + pauseBudget.toMillis() + " ms) — run the move again when the source is quieter");
            }
            for (TableInfo t : tables) {
                long here = pages(source, job.from(), t).count();
                long there = pages(target, job.to(), t).count();
                if (here != there) {
                    throw new MoveRefusedException("move of " + job.what() + ": table " + t.name() + " has " + here
                            + " rows on " + job.from() + " but " + there + " on " + job.to() + " after the last changes");
                }
            }
        }
        Sequences.advance(target, generators); // the fence holds the source still: no new ids
        ShardMap next = rows.next(current.map(), job.to());
        TopologyVersion published = store.publish(current.version(), next, reason())
                .orElseThrow(() -> new MoveRefusedException("move of " + job.what() + ": the topology changed during the"
                        + " move (another publisher) — run it again"));
        pause = Duration.ofNanos(System.nanoTime() - closedAt);
        advance(State.SWITCHED, published.version(), "writes paused " + pause.toMillis() + " ms");
        LOG.info("move of {} ({}, job {}): version {} places it on {}; writes paused {} ms", job.what(), job.mode(), job.id(),
                published.version(), job.to(), pause.toMillis());
    }

    private Duration pause = Duration.ZERO;

    /**
     * Waits, up to the pause budget, until the fence's close (its token) has been applied on the target: replication
     * applies transactions in commit order, and every write that got past the fence committed before the close.
     */
    private boolean awaitCloseOnTarget(String token) {
        long deadline = System.nanoTime() + pauseBudget.toNanos();
        while (System.nanoTime() < deadline) {
            if (fence.closeArrived(target, job.to().schema(), token)) return true;
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    /** Before SWITCHED: the fence open and gone, the replication dropped, the target's copy deleted. */
    void undo() {
        fence.open();
        fence.remove(names());
        if (replication != null) replication.stop();
        for (TableInfo t : tables) pages(target, job.to(), t).deleteAll();
    }

    private boolean publishedByThisJob(TopologyVersion v) {
        return reason().equals(v.reason());
    }

    private String reason() {
        return "move " + (rows.isTenant() ? "tenant " + job.tenant() + " from " + job.shard() + " to " + job.toShard()
                : job.shard() + " from " + job.from() + " to " + job.to()) + " (job " + job.id() + ")";
    }

    private void advance(State state, Long version, String detail) {
        jobs.advance(job, state, version, detail, owner, lease);
        job = jobs.get(job.id());
        onState.accept(job);
    }

    /** Rows per table as the cutover moved them: the source's, which the fence has kept still since. */
    private MoveReport report() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (TableInfo t : tables) counts.put(t.name(), pages(source, job.from(), t).count());
        return new MoveReport(job.shard(), job.from(), job.to(), counts, verify, verifyTime, pause,
                job.version() == null ? 0 : job.version(), job.id());
    }

    private List<String> names() {
        return tables.stream().map(TableInfo::name).toList();
    }

    private KeysetPages pages(DSLContext db, Place place, TableInfo t) {
        return rows.pages(db, place.schema(), t);
    }
}
