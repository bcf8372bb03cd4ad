package io.shardkit.cluster;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Probes the replicas of one topology every {@link ReadPolicy#lagCheckInterval()} (at least every 10 ms when that is
 * zero), each replica on a virtual thread of its own, so a replica whose server hangs delays no other replica's probe:
 * its own probe is not started again while one is under way, and its last result ages until the replica is no longer
 * used ({@link ReplicaPool#usable()}). Starting waits for the first round, up to {@link #FIRST_ROUND_WAIT}. Started
 * when its topology goes live, stopped when the topology is replaced or the cluster closed; stopping lets probes under
 * way finish rather than interrupting them, since an interrupt can close a JDBC socket.
 */
final class ReplicaProber {
    private static final AtomicInteger COUNT = new AtomicInteger();
    private static final long MIN_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /** A replica that has not answered its first probe by then is left to later rounds; the cluster starts anyway. */
    static final Duration FIRST_ROUND_WAIT = Duration.ofSeconds(10);

    private final ScheduledExecutorService scheduler;

    private ReplicaProber(ScheduledExecutorService scheduler) {
        this.scheduler = scheduler;
    }

    /** Starts probing {@code replicas}; a topology without replicas gets a prober with no thread. */
    static ReplicaProber start(Collection<ReplicaPool> replicas, ReadPolicy policy) {
        if (replicas.isEmpty()) return new ReplicaProber(null);
        List<ReplicaPool> all = List.copyOf(replicas);
        String name = "shardkit-replica-probe-" + COUNT.incrementAndGet();
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name(name).factory());
        // The topology goes live (start-up or reconfigure, never a request) once the first round is in: the first
        // reads find the replicas' state instead of going to the primary until a background probe comes in.
        CountDownLatch firstRound = new CountDownLatch(all.size());
        for (ReplicaPool replica : all) {
            if (!startProbe(replica, name, firstRound::countDown)) firstRound.countDown();
        }
        try {
            firstRound.await(FIRST_ROUND_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the scheduled rounds still come
        }
        long interval = Math.max(MIN_INTERVAL_NANOS, policy.lagCheckInterval().toNanos());
        scheduler.scheduleWithFixedDelay(() -> all.forEach(r -> startProbe(r, name, () -> { })), interval, interval,
                TimeUnit.NANOSECONDS);
        return new ReplicaProber(scheduler);
    }

    /** Probes {@code replica} on a thread of its own unless its last probe is still under way. */
    private static boolean startProbe(ReplicaPool replica, String name, Runnable then) {
        if (!replica.beginProbe()) return false;
        Thread.ofVirtual().name(name + "-" + replica.name).start(() -> {
            try {
                replica.probe();
            } finally {
                replica.endProbe();
                then.run();
            }
        });
        return true;
    }

    void stop() {
        if (scheduler != null) scheduler.shutdown();
    }
}
