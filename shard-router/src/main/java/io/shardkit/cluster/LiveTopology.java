package io.shardkit.cluster;

import io.shardkit.cluster.internal.ClusterPlan;
import io.shardkit.router.ShardException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.jooq.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The topology a cluster runs, over its life: opened at start, swapped whole by a reconfigure (pools kept, changed
 * live, or retired to drain), closed once. Readers take the current one without locking; changes are serialized.
 */
final class LiveTopology {
    private static final Logger LOG = LoggerFactory.getLogger(ShardCluster.class);

    private final Configuration jooq;
    private final Topology.Instruments instruments;
    private final AtomicReference<Topology> current = new AtomicReference<>();
    private final PoolRetirement retirement;
    private ReplicaProber prober;
    private volatile boolean closed;

    LiveTopology(ClusterPlan plan, Configuration jooq, Duration retiredPoolGracePeriod, Topology.Instruments instruments) {
        this.jooq = jooq;
        this.instruments = instruments;
        Topology t = Topology.open(plan, jooq, instruments, null);
        current.set(t);
        instruments.metrics().replicasLive(t.replicaPools());
        retirement = new PoolRetirement(retiredPoolGracePeriod);
        prober = ReplicaProber.start(t.replicaPools(), t.reads);
        logWarnings(plan);
        LOG.info("Shardkit cluster started: {} logical shards on {} databases, {}", plan.placements().size(),
                plan.databases().size(), plan.router());
    }

    /** The topology in use; fails with {@code CLOSED} once the cluster is closed. */
    Topology current() {
        if (closed) {
            throw new ShardException(ShardException.Code.CLOSED, "this ShardCluster is closed — build a new one");
        }
        return current.get();
    }

    /**
     * Opens the next topology, lets {@code prepare} bind what depends on it (its returned action runs right after the
     * swap), swaps, then applies live pool changes, restarts the probes and retires the pools no longer used. If
     * {@code prepare} fails, the pools opened for the next topology are closed and nothing changes.
     */
    synchronized void reconfigure(ClusterPlan plan, Function<Topology, Runnable> prepare) {
        Topology old = current();
        Topology next = Topology.open(plan, jooq, instruments, old);
        Runnable install;
        try {
            install = prepare.apply(next);
        } catch (Throwable e) {
            next.closeUnusedBy(old); // the pools opened for next only
            throw e;
        }
        current.set(next);
        install.run();
        instruments.metrics().replicasLive(next.replicaPools());
        next.applyLiveChanges();
        prober.stop();
        prober = ReplicaProber.start(next.replicaPools(), next.reads);
        old.retireUnusedBy(next, retirement);
        logWarnings(plan);
        LOG.info("Shardkit cluster reconfigured: {} logical shards on {} databases, {}", plan.placements().size(),
                plan.databases().size(), plan.router());
    }

    /** Stops the probes and closes every pool, those still draining after a reconfigure included. */
    synchronized void close() {
        if (closed) return;
        closed = true;
        prober.stop();
        current.get().closeUnusedBy(null);
        retirement.close();
    }

    /** The last topology, closed or not (for {@code toString}). */
    Topology last() {
        return current.get();
    }

    /** A configuration's warnings do not stop it, so the log is the only place they can be seen. */
    private static void logWarnings(ClusterPlan plan) {
        for (String warning : plan.warnings()) LOG.warn("Shardkit configuration warning: {}", warning);
    }
}
