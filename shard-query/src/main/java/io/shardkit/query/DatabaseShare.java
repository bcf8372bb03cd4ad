package io.shardkit.query;

import io.shardkit.cluster.PoolStats;
import io.shardkit.cluster.ShardCluster;
import java.util.Optional;
import java.util.concurrent.Semaphore;

/**
 * One fan-out's share of a physical database: at most {@code maximumPoolSize} of its connections at once, however
 * many logical shards of the fan-out live there. Shards over the bound wait their turn in shard order.
 */
final class DatabaseShare {
    final String database;
    final int maximumPoolSize;
    final int shards;
    final Semaphore permits;
    private final ShardCluster cluster;

    DatabaseShare(String database, int maximumPoolSize, int shards, ShardCluster cluster) {
        this.database = database;
        this.maximumPoolSize = maximumPoolSize;
        this.shards = shards;
        this.permits = new Semaphore(maximumPoolSize, true);
        this.cluster = cluster;
    }

    /** The pool's numbers now; empty when the cluster cannot say (closed, or reconfigured without this database). */
    Optional<PoolStats> stats() {
        try {
            return Optional.of(cluster.poolStats(database));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Connections of this database the fan-out holds now. */
    int inUse() {
        return maximumPoolSize - permits.availablePermits();
    }
}
