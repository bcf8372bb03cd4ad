package io.shardkit.cluster;

import com.zaxxer.hikari.HikariConfig;
import io.shardkit.router.ShardId;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.util.Collection;
import java.util.Optional;
import org.jooq.ExecuteListener;

/**
 * What the cluster reports to a meter registry. {@link #NONE}, the null object, is used when the application gave no
 * registry: it names no Micrometer type, so the cluster runs without Micrometer on the class path (as HikariCP does
 * with its {@code IMetricsTrackerFactory}), and the routing path does no metrics work at all. The one implementation
 * that touches Micrometer, {@link MicrometerClusterMetrics}, is loaded only when a registry is given.
 */
interface ClusterMetrics {
    ClusterMetrics NONE = new ClusterMetrics() {
    };

    /** The registry, for the modules that add meters of their own (fan-out, migrations); typed Object here. */
    default Optional<Object> registry() {
        return Optional.empty();
    }

    /** HikariCP's own {@code hikaricp.connections.*} meters on a pool about to open. */
    default void instrument(HikariConfig pool) {
    }

    /**
     * A listener timing each statement of {@code shard} on {@code database}'s primary or one of its replicas, or null
     * for none: with no registry, no listener is added to the shard's context.
     */
    default ExecuteListener statements(ShardId shard, String database, boolean replica) {
        return null;
    }

    /** Counts the reads that passed over the replica {@code name} of {@code database}. */
    default ReplicaMeters replica(String name, String database) {
        return ReplicaMeters.NONE;
    }

    /** The replicas of the topology that just went live: their lag gauges follow these from now on. */
    default void replicasLive(Collection<ReplicaPool> replicas) {
    }

    /** A read-your-writes read of a shard on {@code database} went to the primary for {@code reason}. */
    default void primaryFallback(String database, PrimaryFallback reason) {
    }

    /** {@code handler}, timing calls of the {@code routed} methods when there is a registry. */
    default InvocationHandler repository(Class<?> type, InvocationHandler handler, Collection<Method> routed) {
        return handler;
    }

    /**
     * Gauges over the hot-key tracker's snapshots: the shard imbalance, and (with the shard tag) each shard's routed
     * calls. Registered only when hot keys are tracked; read when the registry is scraped, never on the routing path.
     */
    default void hotShards(java.util.function.Supplier<HotKeys> snapshot) {
    }

    /** A replica's own counters. */
    interface ReplicaMeters {
        ReplicaMeters NONE = reason -> { };

        void skipped(ReplicaSkip reason);
    }
}
