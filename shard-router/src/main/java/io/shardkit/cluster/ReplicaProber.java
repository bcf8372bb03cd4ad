package io.shardkit.cluster;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Probes the replicas of one topology on a scheduled virtual thread of its own, every
 * {@link ReadPolicy#lagCheckInterval()} (at least every 10 ms when that is zero); starting it waits for the first round.
 * Started when its topology goes live, stopped when the topology is replaced or the cluster closed; stopping lets a
 * probe under way finish rather than interrupting it, since an interrupt can close a JDBC socket.
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
        // The topology goes live (start-up or reconfigure, never a request) once the first round is in: the first
        // reads find the replicas' state instead of going to the primary until a background probe comes in.
        Runnable round = () -> all.forEach(ReplicaPool::probe);
        try {
            scheduler.submit(round).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the scheduled rounds still come
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("the first replica probe failed", e.getCause()); // probe() catches its own
        }
        long interval = Math.max(MIN_INTERVAL_NANOS, policy.lagCheckInterval().toNanos());
        scheduler.scheduleWithFixedDelay(round, interval, interval, TimeUnit.NANOSECONDS);
        return new ReplicaProber(scheduler);
    }

    void stop() {
        if (scheduler != null) scheduler.shutdown();
    }
}
