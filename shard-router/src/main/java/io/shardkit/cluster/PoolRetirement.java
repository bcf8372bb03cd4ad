package io.shardkit.cluster;

import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes the pools a {@code reconfigure()} replaced once they have drained: a retired pool gets no new borrowers
 * (the new topology does not hand it out), and closes when it has no active connection, or when the grace period
 * ends, whichever comes first. Closing earlier would make HikariCP abort connections that transactions, cursors and
 * fan-outs still use. The checks run on a scheduled virtual thread of the cluster's own.
 */
final class PoolRetirement implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PoolRetirement.class);
    private static final AtomicInteger COUNT = new AtomicInteger();
    private static final long CHECK_EVERY_MS = 50;

    private final Duration grace;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
            Thread.ofVirtual().name("shardkit-pool-retirement-" + COUNT.incrementAndGet()).factory());
    private final Set<HikariDataSource> retired = ConcurrentHashMap.newKeySet();

    PoolRetirement(Duration grace) {
        this.grace = grace;
    }

    /** Closes {@code pool} of {@code database} once it has drained, or after the grace period. */
    void retire(String database, HikariDataSource pool) {
        retired.add(pool);
        long deadline = System.nanoTime() + grace.toNanos();
        AtomicReference<ScheduledFuture<?>> self = new AtomicReference<>();
        self.set(scheduler.scheduleWithFixedDelay(() -> {
            int active = active(pool);
            boolean late = System.nanoTime() - deadline >= 0;
            if (active > 0 && !late) return;
            if (active > 0) {
                LOG.warn("[database {}] retired pool {} still had {} active connection(s) after the grace period of {} ms;"
                        + " closing it aborts them — let work finish sooner, or raise the grace period", database,
                        pool.getPoolName(), active, grace.toMillis());
            }
            close(pool);
            ScheduledFuture<?> f = self.get();
            if (f != null) f.cancel(false);
        }, CHECK_EVERY_MS, CHECK_EVERY_MS, TimeUnit.MILLISECONDS));
    }

    private static int active(HikariDataSource pool) {
        var mx = pool.getHikariPoolMXBean();
        return pool.isClosed() || mx == null ? 0 : mx.getActiveConnections();
    }

    private void close(HikariDataSource pool) {
        retired.remove(pool);
        pool.close();
    }

    /** Closes every pool still draining, at once: the cluster is closing. */
    @Override
    public void close() {
        scheduler.shutdownNow(); // only our own checks run there, no JDBC call an interrupt could break
        for (HikariDataSource pool : retired) close(pool);
    }
}
