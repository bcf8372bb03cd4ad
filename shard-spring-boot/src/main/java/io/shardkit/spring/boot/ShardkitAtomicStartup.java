package io.shardkit.spring.boot;

import io.shardkit.cluster.ShardCluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Applies {@code shardkit.atomic.*} to the cluster at start-up; the recoverer stops with the cluster. */
final class ShardkitAtomicStartup {
    private static final Logger LOG = LoggerFactory.getLogger(ShardkitAtomicStartup.class);

    ShardkitAtomicStartup(ShardCluster cluster, ShardkitProperties.Atomic atomic) {
        if (atomic.isCheckOnStartup()) cluster.atomic().check(); // throws CONFIG naming every problem
        if (atomic.getRecoverEvery() != null) {
            cluster.atomic().recoverEvery(atomic.getRecoverEvery());
            LOG.info("atomic transactions: this instance recovers every {}", atomic.getRecoverEvery());
        }
    }
}
