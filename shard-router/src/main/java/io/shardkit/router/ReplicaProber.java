package io.shardkit.router;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Probes the replicas of one topology on a scheduled virtual thread of its own, every
 * {@link ReadPolicy#lagCheckInterval()} (at least every 10 ms when that is zero). Started when its topology goes live,
 * stopped when the topology is replaced or the cluster closed; stopping lets a probe under way finish rather than
 * interrupting it, since an interrupt can close a JDBC socket.
 */
final class ReplicaProber {
    private static final AtomicInteger COUNT = new AtomicInteger();
    private static final long MIN_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final ScheduledExecutorService scheduler;

    private ReplicaProber(ScheduledExecutorService scheduler) {
        this.scheduler = scheduler;
    }

    /** Starts probing {@code replicas}; a topology without replicas gets a prober with no thread. */
    static ReplicaProber start(Collection<ReplicaPool> replicas, ReadPolicy policy) {
        if (replicas.isEmpty()) return new ReplicaProber(null);
        List<ReplicaPool> all = List.copyOf(replicas);
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofVirtual().name("shardkit-replica-probe-" + COUNT.incrementAndGet()).factory());
        long interval = Math.max(MIN_INTERVAL_NANOS, policy.lagCheckInterval().toNanos());
        scheduler.scheduleWithFixedDelay(() -> all.forEach(ReplicaPool::probe), 0, interval, TimeUnit.NANOSECONDS);
        return new ReplicaProber(scheduler);
    }

    void stop() {
        if (scheduler != null) scheduler.shutdown();
    }
}
