package io.shardkit.spring.boot;

import io.shardkit.cluster.Shard;
import io.shardkit.cluster.ShardCluster;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;

/**
 * Probes each database's primary pool on a thread of its own: a database is down when its pool gives no valid
 * connection within the timeout. Health requests only read the last result (a slow database never holds up a
 * request thread).
 */
final class ShardHealthMonitor implements AutoCloseable {
    /** What the last probe of one database found; {@code problem} is empty when it is up. */
    record DatabaseState(boolean up, String problem, Instant checkedAt) {
    }

    private final ShardCluster cluster;
    private final Duration timeout;
    private final Duration interval;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService probes = Executors.newVirtualThreadPerTaskExecutor();
    private final Set<String> waiting = ConcurrentHashMap.newKeySet();
    private volatile Map<String, DatabaseState> states = Map.of();

    ShardHealthMonitor(ShardCluster cluster, Duration timeout, Duration interval) {
        this.cluster = cluster;
        this.timeout = timeout;
        this.interval = interval;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "shardkit-health");
            t.setDaemon(true);
            return t;
        });
    }

    /** Probes once now, so health has an answer from the start, then every interval. */
    void start() {
        probeAll();
        scheduler.scheduleWithFixedDelay(this::probeAll, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The last probe's result for each database, in the cluster's order. */
    Map<String, DatabaseState> states() {
        return states;
    }

    boolean allDown() {
        Map<String, DatabaseState> s = states;
        return !s.isEmpty() && s.values().stream().noneMatch(DatabaseState::up);
    }

    void probeAll() {
        Map<String, DataSource> pools = new LinkedHashMap<>();
        for (Shard shard : cluster.shards()) pools.putIfAbsent(shard.database(), shard.dataSource());
        Map<String, CompletableFuture<Void>> started = new LinkedHashMap<>();
        Map<String, DatabaseState> next = new LinkedHashMap<>();
        pools.forEach((database, pool) -> {
            if (!waiting.add(database)) {
                next.put(database, new DatabaseState(false, "the previous probe is still waiting for a connection",
                        Instant.now()));
                return;
            }
            started.put(database, CompletableFuture.runAsync(() -> borrow(pool), probes)
                    .whenComplete((ok, e) -> waiting.remove(database)));
        });
        long deadline = System.nanoTime() + timeout.toNanos();
        started.forEach((database, probe) -> next.put(database, outcome(probe, deadline)));
        Map<String, DatabaseState> ordered = new LinkedHashMap<>();
        pools.keySet().forEach(d -> ordered.put(d, next.get(d)));
        states = java.util.Collections.unmodifiableMap(ordered);
    }

    private DatabaseState outcome(CompletableFuture<Void> probe, long deadline) {
        try {
            probe.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return new DatabaseState(true, "", Instant.now());
        } catch (TimeoutException e) {
            return new DatabaseState(false, "no connection within " + timeout.toMillis() + " ms", Instant.now());
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            // the class and SQLState, not the driver's text: it may carry a URL with credentials
            String state = cause instanceof java.sql.SQLException s && s.getSQLState() != null ? " (SQLState " + s.getSQLState() + ")" : "";
            return new DatabaseState(false, "no connection: " + cause.getClass().getSimpleName() + state, Instant.now());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new DatabaseState(false, "probe interrupted", Instant.now());
        }
    }

    private void borrow(DataSource pool) {
        try (Connection c = pool.getConnection()) {
            if (!c.isValid((int) Math.max(1, timeout.toSeconds()))) {
                throw new java.sql.SQLException("connection not valid", "08006");
            }
        } catch (java.sql.SQLException e) {
            throw new java.util.concurrent.CompletionException(e);
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        probes.shutdownNow();
    }
}
