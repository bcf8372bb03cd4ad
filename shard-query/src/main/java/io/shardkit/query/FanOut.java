package io.shardkit.query;

import io.shardkit.router.Shard;
import io.shardkit.router.ShardCluster;
import io.shardkit.router.ShardId;
import java.util.List;
import java.util.Objects;
import org.jooq.Record;
import org.jooq.Select;

/**
 * Runs one jOOQ query on many shards in parallel and merges the answers into what one database holding all the data
 * would return — ordering, LIMIT/OFFSET, COUNT/SUM/MIN/MAX/AVG, GROUP BY with HAVING, DISTINCT, keyset pages — or
 * refuses the query with {@link UnsupportedFanOutException} before it runs anywhere.
 *
 * <pre>{@code
 * FanOutResult<Record3<Long, String, BigDecimal>> top = FanOut.on(cluster)
 *     .select(select(ORDERS.ID, ORDERS.STATUS, ORDERS.TOTAL).from(ORDERS).orderBy(ORDERS.TOTAL.desc(), ORDERS.ID).limit(20))
 *     .onAllShards().timeout(Duration.ofSeconds(2)).onFailure(FailurePolicy.FAIL_FAST)
 *     .fetch();
 * }</pre>
 */
public final class FanOut {
    private final ShardCluster cluster;

    private FanOut(ShardCluster cluster) {
        this.cluster = cluster;
    }

    public static FanOut on(ShardCluster cluster) {
        return new FanOut(Objects.requireNonNull(cluster, "cluster"));
    }

    /**
     * Runs {@code work} on every shard in parallel (a virtual thread each) and returns each shard's value, for anything
     * the planner does not cover — the caller combines the values. Fails fast: the first failure, or a shard past
     * {@code timeout}, interrupts the others and throws {@link FanOutException} naming the shard.
     */
    public <T> FanOutResult<ShardValue<T>> forEachShard(java.time.Duration timeout,
                                                         java.util.function.Function<? super org.jooq.DSLContext, ? extends T> work) {
        Objects.requireNonNull(work, "work");
        long start = System.nanoTime();
        List<Shard> shards = cluster.shards();
        List<java.util.concurrent.Future<T>> futures = new java.util.ArrayList<>();
        try (var executor = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (Shard s : shards) {
                futures.add(executor.submit(() -> work.apply(s.dsl())));
            }
            List<ShardValue<T>> values = new java.util.ArrayList<>();
            List<ShardOutcome> outcomes = new java.util.ArrayList<>();
            for (int i = 0; i < shards.size(); i++) {
                ShardId id = shards.get(i).id();
                long left = timeout.toNanos() - (System.nanoTime() - start);
                try {
                    T v = futures.get(i).get(Math.max(0, left), java.util.concurrent.TimeUnit.NANOSECONDS);
                    values.add(new ShardValue<>(id, v));
                    outcomes.add(new ShardOutcome(id, ShardOutcome.Status.OK, elapsed(start), 1, java.util.Optional.empty()));
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    futures.forEach(f -> f.cancel(true));
                    boolean late = e instanceof java.util.concurrent.TimeoutException;
                    Throwable cause = late ? e : e.getCause();
                    outcomes.add(new ShardOutcome(id, late ? ShardOutcome.Status.TIMED_OUT : ShardOutcome.Status.FAILED,
                            elapsed(start), 0, java.util.Optional.of(cause)));
                    throw new FanOutException("[shard " + id + "] " + (late ? "timed out after " + timeout.toMillis() + " ms"
                            : "failed: " + cause.getMessage()) + " — the other shards were interrupted", outcomes, cause);
                } catch (InterruptedException e) {
                    futures.forEach(f -> f.cancel(true));
                    Thread.currentThread().interrupt();
                    throw new FanOutException("interrupted while waiting for shard " + id, outcomes, e);
                }
            }
            return new FanOutResult<>(values, outcomes);
        }
    }

    private static java.time.Duration elapsed(long start) {
        return java.time.Duration.ofNanos(System.nanoTime() - start);
    }

    /** A fan-out of {@code query}; its shape is checked when it runs. */
    public <R extends Record> FanOutQuery<R> select(Select<R> query) {
        return new FanOutQuery<>(cluster, Objects.requireNonNull(query, "query"));
    }
}
