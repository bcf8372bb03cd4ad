package io.shardkit.cluster.atomic;

import io.shardkit.cluster.Shard;
import io.shardkit.cluster.ShardCluster;
import io.shardkit.router.ShardException;
import io.shardkit.router.ShardId;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jooq.SQLDialect;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Transactions committed on every shard they write or on none. Work on one physical database is a plain local
 * transaction (no PREPARE, no extra statement). Across databases — PostgreSQL, or MariaDB XA while
 * {@link #experimentalMariaDbXa(boolean)} is on — it is a two-phase commit whose
 * decision is a row in the first-written database, committed by that database's own COMMIT: no log of its own, so
 * any instance recovers any other's transactions from the databases ({@link #recoverNow()}).
 *
 * <p>Atomicity, not isolation: between the deciding COMMIT and the last COMMIT PREPARED a reader can see one shard
 * committed and another not yet, as with Citus and Vitess.
 */
public final class AtomicTransactions implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AtomicTransactions.class);

    private final ShardCluster cluster;
    private volatile AtomicSettings settings = AtomicSettings.DEFAULTS;
    private volatile AtomicListener listener = AtomicListener.NONE;
    private volatile boolean mariaDbXa;
    private final BranchSightings sightings = new BranchSightings();
    private final ExecutorService branchThreads = Executors.newVirtualThreadPerTaskExecutor();
    private final DecisionCleanup cleanup;
    private final ScheduledExecutorService scheduler;
    private ScheduledFuture<?> recoverer;

    /** Atomic transactions on {@code cluster}; {@link ShardCluster#atomic()} keeps one per cluster. */
    public AtomicTransactions(ShardCluster cluster) {
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "shardkit-atomic-" + cluster.name());
            t.setDaemon(true);
            return t;
        });
        this.cleanup = new DecisionCleanup(this);
        scheduler.scheduleWithFixedDelay(cleanup::run, 500, 500, TimeUnit.MILLISECONDS);
    }

    public AtomicTransactions settings(AtomicSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        return this;
    }

    public AtomicSettings settings() {
        return settings;
    }

    /**
     * Lets MariaDB databases take part in transactions across databases, as XA branches: experimental, off by
     * default. Every participant of one transaction is then MariaDB (10.5.2 or later, InnoDB); PostgreSQL and MariaDB
     * never mix in one transaction. Recovery and {@link #check()} cover MariaDB databases only while it is on.
     */
    public AtomicTransactions experimentalMariaDbXa(boolean enabled) {
        this.mariaDbXa = enabled;
        return this;
    }

    public boolean experimentalMariaDbXa() {
        return mariaDbXa;
    }

    /** Sees each step of each commit across databases; for tracing and fault tests. */
    public AtomicTransactions listener(AtomicListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
        return this;
    }

    AtomicListener listener() {
        return listener;
    }

    /**
     * Runs {@code work} and commits everything it wrote, on every shard, or nothing: its value when committed; its own
     * exception when it throws (all rolled back); {@link RolledBackException} when a participant could not prepare or
     * the deciding database did not commit; {@link InDoubtException} only when the deciding COMMIT's outcome could not
     * be read back.
     */
    public <T> T run(AtomicWork<T> work) {
        Objects.requireNonNull(work, "work");
        AtomicTransaction tx = new AtomicTransaction(UUID.randomUUID().toString(), cluster, settings.lockTimeout(), mariaDbXa);
        try {
            T value;
            try {
                value = work.run(tx);
            } catch (Exception e) {
                tx.branches().forEach(Branch::rollbackQuietly);
                throw e instanceof RuntimeException r ? r : new ShardException(ShardException.Code.DATABASE,
                        "atomic transaction " + tx.id() + " rolled back: its work failed: " + e.getMessage(), e);
            }
            List<Branch> branches = tx.branches();
            if (branches.size() == 1) {
                commitLocal(tx, branches.getFirst());
            } else if (branches.size() > 1) {
                new TwoPhaseCommit(this, tx, branches).commit();
            }
            return value;
        } finally {
            tx.branches().forEach(Branch::close);
        }
    }

    /** One database: its own COMMIT, nothing more. */
    private static void commitLocal(AtomicTransaction tx, Branch b) {
        try {
            b.commit();
        } catch (SQLException | RuntimeException e) {
            String state = Probe.sqlState(e);
            if (state != null && state.startsWith("08")) {
                throw new InDoubtException(tx.id(), "atomic transaction " + tx.id() + " on one database, " + b.database
                        + ", lost its connection at COMMIT: it may have been applied; check before retrying", e);
            }
            throw new RolledBackException(tx.id(), "atomic transaction " + tx.id() + " rolled back: COMMIT on "
                    + b.database + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Finishes every transaction of this cluster whose prepared branches are older than the minimum age and whose
     * coordinator is gone: committed where its decision row says so, rolled back where there is none. Safe from any
     * number of instances at once.
     */
    public RecoveryReport recoverNow() {
        return new Recovery(this).run();
    }

    /** Runs {@link #recoverNow()} every {@code interval} on a daemon thread, until {@link #close()}; opt-in. */
    public synchronized AtomicTransactions recoverEvery(Duration interval) {
        if (recoverer != null) recoverer.cancel(false);
        long ms = Math.max(1, interval.toMillis());
        recoverer = scheduler.scheduleWithFixedDelay(() -> {
            try {
                RecoveryReport r = recoverNow();
                if (!r.problems().isEmpty() || !r.lingering().isEmpty()) LOG.warn("atomic recovery: {}", r);
            } catch (RuntimeException e) {
                LOG.warn("atomic recovery failed: {}", e.toString());
            }
        }, ms, ms, TimeUnit.MILLISECONDS);
        return this;
    }

    /**
     * Checks what a commit across databases needs on every PostgreSQL database: {@code max_prepared_transactions} above
     * 0, the decision table in every shard's schema, and no prepared branch of this cluster that this role cannot
     * finish; with {@link #experimentalMariaDbXa(boolean)}, on every MariaDB database: version 10.5.2 or later, XA
     * RECOVER allowed, the decision table present and InnoDB. Throws {@code CONFIG} naming each problem and what to do.
     */
    public void check() {
        List<String> problems = StartupChecks.problems(preparableShards(), cluster.name());
        if (!problems.isEmpty()) {
            throw new ShardException(ShardException.Code.CONFIG, "atomic transactions cannot run on this cluster: "
                    + String.join("; ", problems));
        }
    }

    /** Stops the recoverer and the cleanup; transactions under way finish. */
    @Override
    public void close() {
        scheduler.shutdownNow();
        branchThreads.shutdown();
    }

    /**
     * Runs one participant's step: on a thread of its own when others run beside it, on the caller's when it is the
     * only one (a two-database transaction saves the hand-over).
     */
    <T> Future<T> branchWork(Callable<T> work, boolean alone) {
        if (!alone) return branchThreads.submit(work);
        java.util.concurrent.FutureTask<T> task = new java.util.concurrent.FutureTask<>(work);
        task.run();
        return task;
    }

    void decided(Shard decisionShard, String transaction) {
        cleanup.add(decisionShard.id(), transaction);
    }

    /** The shards that can hold a prepared branch: PostgreSQL, and MariaDB while its XA is turned on. */
    List<Shard> preparableShards() {
        List<Shard> out = new ArrayList<>();
        for (Shard s : cluster.shards()) {
            SQLDialect family = s.dialect().family();
            if (family == SQLDialect.POSTGRES || family == SQLDialect.MARIADB && mariaDbXa) out.add(s);
        }
        return out;
    }

    BranchSightings sightings() {
        return sightings;
    }

    Shard shard(ShardId id) {
        return cluster.shard(id);
    }

    String clusterName() {
        return cluster.name();
    }
}
