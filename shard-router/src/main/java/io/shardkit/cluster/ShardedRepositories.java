package io.shardkit.cluster;

import io.shardkit.router.ShardException;
import io.shardkit.router.ShardId;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.jooq.DSLContext;

/**
 * Makes the proxies behind {@link ShardCluster#repository}: one implementation instance per shard (and per replica)
 * for the cluster, one per transaction, and one per shard a session touches. The factories are remembered so that
 * transactions and sessions can bind the same repository types.
 */
final class ShardedRepositories {
    private final ShardCluster cluster;
    private final Map<Class<?>, Function<? super DSLContext, ?>> factories = new ConcurrentHashMap<>();
    private final java.util.List<ClusterTarget> targets = new java.util.concurrent.CopyOnWriteArrayList<>();

    ShardedRepositories(ShardCluster cluster) {
        this.cluster = cluster;
    }

    <R> R register(Class<R> type, Function<? super DSLContext, ? extends R> factory) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(factory, "factory");
        RepositoryProxy.plan(type); // refuse a bad interface before calling the factory
        factories.put(type, factory);
        ClusterTarget target = new ClusterTarget(type, factory);
        target.bound(cluster.topology()); // make the instances now: a failing factory fails here
        targets.add(target);
        return RepositoryProxy.create(type, target, cluster.metrics());
    }

    /**
     * Makes every registered repository's instances for {@code next} without installing them, so a failing factory
     * fails a reconfigure before its swap. Run the result once {@code next} is live.
     */
    Runnable prepare(Topology next) {
        java.util.List<Runnable> installs = new java.util.ArrayList<>();
        for (ClusterTarget target : targets) {
            ClusterTarget.Binding b = target.bind(next);
            installs.add(() -> target.binding = b);
        }
        return () -> installs.forEach(Runnable::run);
    }

    <R> R forTransaction(Class<R> type, ShardTransaction tx) {
        Object instance = make(type, factory(type), tx);
        return RepositoryProxy.create(type, (key, readOnly, method) -> {
            ShardId shard = cluster.shardFor(key);
            if (!shard.equals(tx.shard())) {
                throw new ShardException(ShardException.Code.KEY, "[shard " + tx.shard() + "] " + method + ": key "
                        + key + " belongs to shard " + shard + ", but this transaction runs on shard " + tx.shard()
                        + " — a local transaction covers one shard; do the work for " + shard + " in a transaction of its own");
            }
            return instance;
        }, cluster.metrics());
    }

    <R> R forSession(Class<R> type, ShardSession session) {
        Function<? super DSLContext, ?> factory = factory(type);
        Map<Object, Object> instances = new ConcurrentHashMap<>(); // by Shard (primary) or ReplicaView
        return RepositoryProxy.create(type, (key, readOnly, method) -> {
            ShardNode node = cluster.node(key);
            int choice = readOnly ? session.chooseForRead(node, Duration.ZERO) : ShardNode.PRIMARY;
            if (choice == ShardNode.PRIMARY) {
                return instances.computeIfAbsent(node.shard, s -> make(type, factory, session.recording(node.shard)));
            }
            ShardNode.ReplicaView replica = node.replicas.get(choice);
            return instances.computeIfAbsent(replica, r -> make(type, factory, replica.dsl()));
        }, cluster.metrics());
    }

    private Function<? super DSLContext, ?> factory(Class<?> type) {
        Function<? super DSLContext, ?> factory = factories.get(type);
        if (factory == null) {
            throw new ShardException(ShardException.Code.CONFIG, "no repository " + type.getName()
                    + " is registered — call cluster.repository(" + type.getSimpleName() + ".class, dsl -> ...) first");
        }
        return factory;
    }

    private static Object make(Class<?> type, Function<? super DSLContext, ?> factory, DSLContext dsl) {
        Object instance = factory.apply(dsl);
        if (!type.isInstance(instance)) {
            throw new ShardException(ShardException.Code.CONFIG, "the factory for " + type.getName() + " returned "
                    + (instance == null ? "null" : "a " + instance.getClass().getName()) + " — return an implementation of "
                    + type.getSimpleName() + " bound to the DSLContext it is given");
        }
        return instance;
    }

    /** The cluster's own instances, remade when the topology is swapped. */
    private final class ClusterTarget implements RepositoryProxy.Target {
        /** One topology's instances: per shard, the primary-bound one and one per replica. */
        private record Binding(Topology topology, Map<ShardId, Object> primary, Map<ShardId, Object[]> replicas) {
        }

        private final Class<?> type;
        private final Function<? super DSLContext, ?> factory;
        private volatile Binding binding;

        ClusterTarget(Class<?> type, Function<? super DSLContext, ?> factory) {
            this.type = type;
            this.factory = factory;
        }

        Binding bound(Topology t) {
            Binding b = binding;
            if (b != null && b.topology() == t) return b;
            b = bind(t);
            binding = b;
            return b;
        }

        Binding bind(Topology t) {
            Map<ShardId, Object> primary = new HashMap<>();
            Map<ShardId, Object[]> replicas = new HashMap<>();
            t.nodes.forEach((id, node) -> {
                primary.put(id, make(type, factory, node.shard.dsl()));
                replicas.put(id, node.replicas.stream().map(r -> make(type, factory, r.dsl())).toArray());
            });
            return new Binding(t, Map.copyOf(primary), Map.copyOf(replicas));
        }

        @Override
        public boolean retriesMoves() {
            return true;
        }

        @Override
        public Object instanceFor(Object key, boolean readOnly, String method) {
            Topology t = cluster.topology();
            Binding b = bound(t);
            ShardId shard = t.router.shardFor(key);
            cluster.hotKeys.record(key, shard);
            ShardNode node = t.nodes.get(shard);
            if (!readOnly) return b.primary().get(node.shard.id());
            int choice = node.chooseReplica();
            return choice == ShardNode.PRIMARY ? b.primary().get(node.shard.id()) : b.replicas().get(node.shard.id())[choice];
        }
    }
}
