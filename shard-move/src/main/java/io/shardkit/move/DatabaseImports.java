package io.shardkit.move;

import io.shardkit.cluster.config.ClusterConfig;
import io.shardkit.cluster.topology.TopologyStore;
import io.shardkit.move.ingest.ImportContext;
import io.shardkit.move.ingest.ImportJobs;
import io.shardkit.move.ingest.Imports;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A single database imported into the cluster, block-writes: a fence closes on the source (every write there is
 * refused with SQLSTATE SKM01 from then on, and for good), each row is copied to the shard the latest topology
 * version's router picks for its key column, in primary-key batches, and every shard is compared with the source rows
 * routed to it. Each step and each committed batch is recorded in the control database
 * ({@code shardkit_import_jobs}), so a mover that dies is resumed or cancelled by another. The service switches to
 * the cluster when its writes to the source are refused, and writes there once the import is DONE.
 *
 * <pre>{@code
 * try (ShardMover mover = ShardMover.configure(config).load()) {
 *     ImportReport r = mover.importDatabase(ImportRequest.of("legacy", "customer_id"));
 * }
 * }</pre>
 */
public final class DatabaseImports {
    private final ClusterConfig config;
    private final Databases databases;
    private final TopologyStore store;
    private final ShardMover.Options options;
    private final Consumer<ImportJob> onState;
    private ImportJobs jobs; // created on first use: a mover that never imports leaves no table behind

    DatabaseImports(ClusterConfig config, Databases databases, TopologyStore store, ShardMover.Options options) {
        this(config, databases, store, options, job -> { });
    }

    private DatabaseImports(ClusterConfig config, Databases databases, TopologyStore store, ShardMover.Options options,
                            Consumer<ImportJob> onState) {
        this.config = config;
        this.databases = databases;
        this.store = store;
        this.options = options;
        this.onState = onState;
    }

    /** The same imports, calling {@code onState} after each step a job reaches and after each batch it commits. */
    public DatabaseImports onState(Consumer<ImportJob> onState) {
        return new DatabaseImports(config, databases, store, options, Objects.requireNonNull(onState, "onState"));
    }

    /**
     * Imports {@code request}'s tables; returns once DONE. Refused, naming the cause, before anything changes: an
     * unknown database, a table without a primary key or without the key column, a table missing or different on a
     * shard, a shard's table not empty, a row whose key is NULL, a key the cluster's key type cannot take, no topology
     * version, another import under way. A failure later undoes the import (the job ends CANCELLED) and is thrown.
     */
    public ImportReport start(ImportRequest request) {
        return imports().start(Objects.requireNonNull(request, "request"));
    }

    /** Runs a job on from the step it recorded (its mover died or was stopped) to DONE. */
    public ImportReport resume(long job) {
        return imports().resume(job);
    }

    /** Undoes a job before DONE: the imported rows deleted from the shards (by the source's keys), the fence open and gone. */
    public ImportJob cancel(long job) {
        return imports().cancel(job);
    }

    /** Compares every shard with the source rows routed to it, as they are now (VERIFIED or DONE jobs). */
    public ImportReport verify(long job) {
        return imports().verify(job);
    }

    /** Every import job, oldest first. */
    public List<ImportJob> jobs() {
        return table().all();
    }

    public ImportJob job(long id) {
        return table().get(id);
    }

    private Imports imports() {
        return new Imports(new ImportContext(databases::dsl, databases::known, config, store, table(), options.owner(),
                options.lease(), options.batch(), onState));
    }

    private synchronized ImportJobs table() {
        if (jobs == null) jobs = new ImportJobs(databases.dsl(config.topology().store()));
        return jobs;
    }
}
