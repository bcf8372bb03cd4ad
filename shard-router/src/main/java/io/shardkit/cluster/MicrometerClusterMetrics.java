package io.shardkit.cluster;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.shardkit.router.ShardId;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.jooq.ExecuteListener;

/**
 * The cluster's meters in a Micrometer registry; the only class of the cluster runtime (with {@link OutcomeTimers},
 * {@link CallCounters}, {@link StatementTimer} and {@link TimedRepository}) that names Micrometer, loaded only when the application gives a
 * registry. Every meter is tagged {@code cluster}; tags are bounded (databases, replicas, methods, reasons,
 * exception classes), keys never become tags.
 */
final class MicrometerClusterMetrics implements ClusterMetrics {
    private final MeterRegistry registry;
    private final String cluster;
    private final boolean shardTag;
    /** The replica each lag gauge reads, by replica name: swapped by a reconfigure, null once the replica is gone. */
    private final Map<String, AtomicReference<ReplicaPool>> lagSources = new ConcurrentHashMap<>();
    private final Map<String, Map<PrimaryFallback, Counter>> fallbacks = new ConcurrentHashMap<>();
    private final Map<String, CallCounters> repositoryCounters = new ConcurrentHashMap<>();

    private MicrometerClusterMetrics(MeterRegistry registry, String cluster, boolean shardTag) {
        this.registry = registry;
        this.cluster = cluster;
        this.shardTag = shardTag;
    }

    static ClusterMetrics create(MeterRegistry registry, String cluster, boolean shardTag) {
        return new MicrometerClusterMetrics(registry, cluster, shardTag);
    }

    @Override
    public Optional<Object> registry() {
        return Optional.of(registry);
    }

    @Override
    public void instrument(HikariConfig pool) {
        pool.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry)); // tagged pool=<its pool name>
    }

    @Override
    public ExecuteListener statements(ShardId shard, String database, boolean replica) {
        Tags tags = Tags.of("cluster", cluster, "database", database, "role", replica ? "replica" : "primary");
        if (shardTag) tags = tags.and("shard", shard.toString());
        return new StatementTimer(new OutcomeTimers(registry, "shardkit.query",
                "Statements run on a shard, from execution start to end (a lazy cursor: to its close)", tags));
    }

    @Override
    public ReplicaMeters replica(String name, String database) {
        Map<ReplicaSkip, Counter> counters = new EnumMap<>(ReplicaSkip.class);
        for (ReplicaSkip reason : ReplicaSkip.values()) {
            counters.put(reason, Counter.builder("shardkit.replica.skipped")
                    .description("Reads that passed over a replica, by why")
                    .tags("cluster", cluster, "database", database, "replica", name, "reason", reason.tag)
                    .register(registry));
        }
        return reason -> counters.get(reason).increment();
    }

    @Override
    public void replicasLive(Collection<ReplicaPool> replicas) {
        Set<String> live = new HashSet<>();
        for (ReplicaPool replica : replicas) {
            live.add(replica.name);
            lagSources.computeIfAbsent(replica.name, name -> lagGauges(replica)).set(replica);
        }
        lagSources.forEach((name, source) -> {
            if (!live.contains(name)) source.set(null); // removed by a reconfigure: NaN, not its last figure
        });
    }

    /** A replica's lag gauges, reading whichever pool of that name is live. */
    private AtomicReference<ReplicaPool> lagGauges(ReplicaPool replica) {
        AtomicReference<ReplicaPool> source = new AtomicReference<>(replica);
        Tags tags = Tags.of("cluster", cluster, "database", replica.database, "replica", replica.name);
        Gauge.builder("shardkit.replica.lag", source, s -> s.get() == null ? Double.NaN : s.get().lagSeconds())
                .description("How far the replica was behind its primary at its last probe (NaN until one succeeded)")
                .baseUnit("seconds").tags(tags).strongReference(true).register(registry);
        if (replica.measuresBytes()) {
            Gauge.builder("shardkit.replica.lag.bytes", source, s -> s.get() == null ? Double.NaN : s.get().lagBytes())
                    .description("WAL the replica had received but not replayed at its last probe (PostgreSQL)")
                    .baseUnit(BaseUnits.BYTES).tags(tags).strongReference(true).register(registry);
        }
        return source;
    }

    @Override
    public void primaryFallback(String database, PrimaryFallback reason) {
        fallbacks.computeIfAbsent(database, this::fallbackCounters).get(reason).increment();
    }

    private Map<PrimaryFallback, Counter> fallbackCounters(String database) {
        Map<PrimaryFallback, Counter> counters = new EnumMap<>(PrimaryFallback.class);
        for (PrimaryFallback reason : PrimaryFallback.values()) {
            counters.put(reason, Counter.builder("shardkit.read.primary.fallbacks")
                    .description("Read-your-writes reads sent to the primary of a database that has replicas, by why")
                    .tags("cluster", cluster, "database", database, "reason", reason.tag)
                    .register(registry));
        }
        return counters;
    }

    @Override
    public void hotShards(java.util.function.Supplier<HotKeys> snapshot) {
        Gauge.builder("shardkit.shard.imbalance", snapshot, s -> s.get().imbalance())
                .description("The busiest shard's routed calls over the mean of all shards', over the hot-key window; 1 is even")
                .tags(Tags.of("cluster", cluster)).register(registry);
        if (!shardTag) return; // a shard tag only when asked: one series per shard
        for (HotKeys.ShardCalls shard : snapshot.get().shards()) {
            String id = shard.shard().toString();
            io.micrometer.core.instrument.FunctionCounter.builder("shardkit.shard.routed", snapshot,
                            s -> s.get().shards().stream().filter(c -> c.shard().toString().equals(id))
                                    .mapToLong(HotKeys.ShardCalls::routedCalls).sum())
                    .description("Calls routed to the shard by key (estimated from the hot-key sample)")
                    .tags(Tags.of("cluster", cluster, "shard", id)).register(registry);
        }
    }

    /**
     * One set of counters per repository and method name, shared by every proxy of it (the cluster's, each session's and
     * transaction's): a function timer publishes the counters it was first registered with.
     */
    @Override
    public InvocationHandler repository(Class<?> type, InvocationHandler handler, Collection<Method> routed) {
        return new TimedRepository(handler, routed, method -> repositoryCounters.computeIfAbsent(
                type.getSimpleName() + "." + method.getName(), k -> new CallCounters(registry,
                        "shardkit.repository.invocations", "Calls of a sharded repository's methods, routing included",
                        Tags.of("cluster", cluster, "repository", type.getSimpleName(), "method", method.getName()))));
    }
}
