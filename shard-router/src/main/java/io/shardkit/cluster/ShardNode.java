package io.shardkit.cluster;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.jooq.DSLContext;

/** A logical shard as the cluster runs it: its primary context and one context per replica of its database. */
final class ShardNode {
    /** A replica of the shard's database, seen through the shard's schema mapping. */
    record ReplicaView(ReplicaPool pool, DSLContext dsl) {
    }

    /** Which context a read got: {@code replica} is an index into {@link #replicas}, or -1 for the primary. */
    static final int PRIMARY = -1;

    final Shard shard;
    final List<ReplicaView> replicas;
    private final ClusterMetrics metrics;
    private final AtomicInteger next = new AtomicInteger();

    ShardNode(Shard shard, List<ReplicaView> replicas, ClusterMetrics metrics) {
        this.shard = shard;
        this.replicas = List.copyOf(replicas);
        this.metrics = metrics;
    }

    /** {@link #PRIMARY} for a read-your-writes read, counted as a fallback when the shard has replicas. */
    int primaryFor(PrimaryFallback reason) {
        if (!replicas.isEmpty()) metrics.primaryFallback(shard.database(), reason);
        return PRIMARY;
    }

    /** A usable replica, round-robin, or {@link #PRIMARY}. */
    int chooseReplica() {
        int n = replicas.size();
        if (n == 0) return PRIMARY;
        int start = Math.floorMod(next.getAndIncrement(), n);
        for (int i = 0; i < n; i++) {
            int candidate = (start + i) % n;
            ReplicaPool pool = replicas.get(candidate).pool();
            ReplicaSkip why = pool.skipReason();
            if (why == null) return candidate;
            pool.meters.skipped(why);
        }
        return PRIMARY;
    }

    /**
     * A usable replica that has replayed {@code lsn}; waits up to {@code wait} for one to catch up, then falls back
     * to {@link #PRIMARY}. Without a position to wait for, any usable replica.
     */
    int chooseReplica(long lsn, Duration wait) {
        if (lsn < 0) return chooseReplica();
        int n = replicas.size();
        if (n == 0) return PRIMARY;
        long deadline = System.nanoTime() + wait.toNanos();
        for (boolean firstPass = true; ; firstPass = false) {
            int start = Math.floorMod(next.getAndIncrement(), n);
            for (int i = 0; i < n; i++) {
                int candidate = (start + i) % n;
                ReplicaPool pool = replicas.get(candidate).pool();
                ReplicaSkip why = pool.skipReason(lsn);
                if (why == null) return candidate;
                if (firstPass) pool.meters.skipped(why); // a read that waits is counted once, not per 10 ms
            }
            if (System.nanoTime() - deadline >= 0) return primaryFor(PrimaryFallback.REPLICA_BEHIND);
            LockSupport.parkNanos(Math.min(10_000_000L, Math.max(0, deadline - System.nanoTime())));
        }
    }

    DSLContext dsl(int choice) {
        return choice == PRIMARY ? shard.dsl() : replicas.get(choice).dsl();
    }
}
