package io.shardkit.move.ingest;

import io.shardkit.cluster.topology.TopologyVersion;
import io.shardkit.move.ImportJob;
import io.shardkit.move.ImportJob.State;
import io.shardkit.move.ImportReport;
import io.shardkit.move.ImportRequest;
import io.shardkit.move.MoveRefusedException;
import io.shardkit.move.MoveReport.Place;
import io.shardkit.move.copy.TableInfo;

/**
 * Imports of a single database into the cluster, block-writes: start one, resume or cancel a job another mover left,
 * verify a copied one. Every entry point checks before it changes anything, and takes the job's lease.
 */
public final class Imports {
    private final ImportContext ctx;

    public Imports(ImportContext ctx) {
        this.ctx = ctx;
    }

    public ImportReport start(ImportRequest request) {
        TopologyVersion latest = ctx.store().latest().orElseThrow(() -> new MoveRefusedException("the topology store"
                + " holds no version yet — start an instance (or the cluster) once to publish version 1"));
        Place from = new Place(request.fromDatabase(), request.fromSchema());
        ctx.jobs().refuseIfActive(from);
        ImportPlan plan = ImportPlan.check(ctx, from, request.keyColumn(), request.tables(), latest, false);
        ImportJob job = ctx.jobs().create(from, request.keyColumn(), plan.tables().stream().map(TableInfo::name).toList(),
                latest.version(), ctx.owner(), ctx.lease());
        ctx.onState().accept(job);
        return new ImportRun(ctx, job, plan).toDone();
    }

    /** Runs a job on from the state it recorded (its mover died or was stopped), to DONE. */
    public ImportReport resume(long jobId) {
        ImportJob job = take(jobId);
        ImportPlan plan;
        try {
            if (job.state().done()) throw new MoveRefusedException("import job " + jobId + " is " + job.state() + " — nothing to resume");
            plan = plan(job);
        } catch (RuntimeException e) {
            ctx.jobs().release(jobId, ctx.owner());
            throw e;
        }
        return new ImportRun(ctx, job, plan).toDone(); // releases the lease, whatever happens
    }

    /**
     * Undoes a job before DONE: deletes from the shards the rows whose keys came from the source, opens and removes the
     * source's fence; the job ends CANCELLED.
     */
    public ImportJob cancel(long jobId) {
        ImportJob job = take(jobId);
        try {
            if (job.state().done()) {
                throw new MoveRefusedException("import job " + jobId + " is " + job.state() + (job.state() == State.DONE
                        ? " — a finished import is not undone: the service writes to the cluster now" : ""));
            }
            new ImportRun(ctx, job, plan(job)).undo();
            ctx.jobs().advance(job, State.CANCELLED, "cancelled by " + ctx.owner(), ctx.owner(), ctx.lease());
            ImportJob cancelled = ctx.jobs().get(jobId);
            ctx.onState().accept(cancelled);
            return cancelled;
        } finally {
            ctx.jobs().release(jobId, ctx.owner());
        }
    }

    /**
     * Compares the source with the shards as they are now, every shard against the source rows its version routes
     * there; for a VERIFIED or DONE job (after DONE, rows the service wrote since show as differences too).
     */
    public ImportReport verify(long jobId) {
        ImportJob job = ctx.jobs().get(jobId);
        if (job.state() != State.VERIFIED && job.state() != State.DONE) {
            throw new MoveRefusedException("import job " + jobId + " is " + job.state() + " — verify an import once it is"
                    + " copied (VERIFIED or DONE)");
        }
        return new ImportRun(ctx, job, plan(job)).report();
    }

    /** The job's plan, checked again on the version it routes by (its rows may be on the shards already). */
    private ImportPlan plan(ImportJob job) {
        TopologyVersion version = ctx.store().version(job.version()).orElseThrow(() -> new MoveRefusedException(
                "import job " + job.id() + " routes by topology version " + job.version() + ", which the store no longer holds"));
        return ImportPlan.check(ctx, job.from(), job.keyColumn(), job.tables(), version, true);
    }

    private ImportJob take(long jobId) {
        ImportJob job = ctx.jobs().get(jobId);
        if (!ctx.jobs().lease(jobId, ctx.owner(), ctx.lease())) {
            throw new MoveRefusedException("import job " + jobId + " is held by " + job.owner() + " — wait for its lease"
                    + " to expire (that mover stopped) or for it to finish");
        }
        return ctx.jobs().get(jobId);
    }
}
