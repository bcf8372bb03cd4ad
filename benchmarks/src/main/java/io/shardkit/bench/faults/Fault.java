package io.shardkit.bench.faults;

import io.shardkit.cluster.ShardCluster;
import io.shardkit.router.ShardException;
import io.shardkit.test.PostgresPrimary;
import io.shardkit.test.ReplicatedPostgres;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The faults, each done for real to one shard's servers: {@link #inject} starts it, the returned {@link Held} ends it
 * ({@link Held#restore()}) once {@link FaultSettings#faultLength()} has passed.
 */
enum Fault {
    PRIMARY_KILL("primary killed (SIGKILL), restarted 10 s later", true) {
        @Override
        Held inject(FaultCluster c, int shard, FaultSettings s) {
            PostgresPrimary primary = c.server(shard).primary();
            primary.kill();
            return primary::start;
        }
    },
    PRIMARY_HANG("primary stopped (SIGSTOP) for 10 s, then continued", true) {
        @Override
        Held inject(FaultCluster c, int shard, FaultSettings s) {
            PostgresPrimary primary = c.server(shard).primary();
            primary.freeze();
            return primary::thaw;
        }
    },
    REPLICA_KILL("replica killed (SIGKILL), restarted 10 s later", false) {
        @Override
        Held inject(FaultCluster c, int shard, FaultSettings s) {
            ReplicatedPostgres.Replica replica = c.server(shard).replica(0);
            replica.kill();
            return replica::start;
        }
    },
    REPLICA_LAG("replica replay paused for 10 s (lag bound 1 s)", false) {
        @Override
        Held inject(FaultCluster c, int shard, FaultSettings s) {
            ReplicatedPostgres.Replica replica = c.server(shard).replica(0);
            replica.pauseReplay();
            return replica::resumeReplay;
        }
    },
    POOL_EXHAUSTED("the application holds 3x the pool in transactions that each want a second connection", true) {
        @Override
        Held inject(FaultCluster c, int shard, FaultSettings s) {
            AtomicBoolean stop = new AtomicBoolean();
            long key = c.customerOn(shard);
            List<Thread> hogs = new ArrayList<>();
            for (int i = 0; i < 3 * s.poolSize(); i++) {
                hogs.add(Thread.ofVirtual().name("fault-pool-hog-" + i).start(() -> hog(c.cluster, key, stop)));
            }
            return () -> {
                stop.set(true);
                for (Thread t : hogs) t.join();
            };
        }
    },
    BACKENDS_TERMINATED("every client backend of the primary terminated, once a second for 10 s", true) {
        @Override
        Held inject(FaultCluster c, int shard, FaultSettings s) {
            PostgresPrimary primary = c.server(shard).primary();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger terminated = new AtomicInteger();
            Thread killer = Thread.ofVirtual().name("fault-terminator").start(() -> {
                while (!stop.get()) {
                    terminated.addAndGet(primary.terminateAllClientBackends());
                    sleep(1_000);
                }
            });
            return () -> {
                stop.set(true);
                killer.join();
            };
        }
    };

    /** Ends a fault. */
    interface Held {
        void restore() throws Exception;
    }

    final String description;
    /** Whether the fault is on the shard's primary (writes fail) rather than its replica (reads move). */
    final boolean onPrimary;

    Fault(String description, boolean onPrimary) {
        this.description = description;
        this.onPrimary = onPrimary;
    }

    abstract Held inject(FaultCluster c, int shard, FaultSettings s);

    /** A transaction that asks for a second connection of its own database while it holds one: the pool runs dry. */
    private static void hog(ShardCluster cluster, long key, AtomicBoolean stop) {
        while (!stop.get()) {
            try {
                cluster.inTransaction(key, tx -> {
                    tx.dsl().fetch("select pg_sleep(0.05)");
                    return cluster.dsl(key).fetch("select 1"); // not the transaction's context: another connection
                });
            } catch (ShardException expected) {
                // no connection within the connection timeout: what the fault is about
            }
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
