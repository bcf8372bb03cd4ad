package io.shardkit.cluster.atomic;

import io.shardkit.router.ShardException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The commit of one atomic transaction across databases, presumed abort, the decision recorded in the first-written
 * database D: (1) the decision row in D's open transaction, (2) PREPARE on every other participant, (3) COMMIT D — the
 * commit point, (4) COMMIT PREPARED on the others, (5) the decision row deleted later. Anything failing before (3)
 * rolls everything back; a COMMIT of D whose outcome is unknown is settled by the probe, never guessed; failures after
 * (3) are left to recovery, which commits what D's row says.
 */
final class TwoPhaseCommit {
    private static final Logger LOG = LoggerFactory.getLogger(TwoPhaseCommit.class);

    private final AtomicTransactions owner;
    private final AtomicTransaction tx;
    private final Branch decider;
    private final List<Branch> others;
    private final PreparedBranches kind;
    private PreparedBranches.Session deciderSession;

    TwoPhaseCommit(AtomicTransactions owner, AtomicTransaction tx, List<Branch> branches) {
        this.owner = owner;
        this.tx = tx;
        this.decider = branches.getFirst();
        this.others = branches.subList(1, branches.size());
        this.kind = PreparedBranches.of(decider.firstShard);
    }

    void commit() {
        writeDecision();
        prepareOthers();
        owner.listener().reached(AtomicStep.ALL_PREPARED, tx.id(), decider.database);
        try {
            decider.commit();
        } catch (SQLException | RuntimeException e) {
            settleAmbiguousCommit(e);
        }
        owner.listener().reached(AtomicStep.DECIDED, tx.id(), decider.database);
        // a decision row goes only once no branch needs it: recovery rolls back a prepared branch that has none
        if (finishOthers(true)) owner.decided(decider.firstShard, tx.id());
    }

    private void writeDecision() {
        String participants = others.stream().map(b -> b.database).collect(Collectors.joining(","));
        try {
            deciderSession = kind.writeDecision(decider.dsl(), tx.id(), participants);
        } catch (RuntimeException e) {
            throw rolledBack("writing its decision row on " + decider.database + " failed", e);
        }
        owner.listener().reached(AtomicStep.DECISION_WRITTEN, tx.id(), decider.database);
    }

    private void prepareOthers() {
        List<Future<?>> prepares = new ArrayList<>();
        for (Branch b : others) {
            prepares.add(owner.branchWork(() -> {
                b.prepare();
                owner.listener().reached(AtomicStep.PREPARED, tx.id(), b.database);
                return null;
            }, others.size() == 1));
        }
        RuntimeException failure = null;
        String failedOn = null;
        for (int i = 0; i < prepares.size(); i++) {
            try {
                prepares.get(i).get();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e instanceof java.util.concurrent.ExecutionException x && x.getCause() instanceof RuntimeException r
                            ? r : new RuntimeException(e);
                    failedOn = others.get(i).database;
                }
            }
        }
        if (failure != null) {
            decider.rollbackQuietly(); // the decision row goes with it: the transaction is aborted
            finishOthers(false);
            throw rolledBack("PREPARE failed on " + failedOn, failure);
        }
    }

    /** COMMIT (or ROLLBACK) PREPARED on every other participant, in parallel; one left behind is recovery's. */
    private boolean finishOthers(boolean commit) {
        List<Future<Boolean>> finishes = new ArrayList<>();
        for (Branch b : others) {
            finishes.add(owner.branchWork(() -> {
                try {
                    b.finishPrepared(commit);
                    if (commit) owner.listener().reached(AtomicStep.BRANCH_COMMITTED, tx.id(), b.database);
                    return true;
                } catch (SQLException | RuntimeException e) {
                    if (commit) {
                        LOG.warn("atomic transaction {} is committed; its branch on {} is left for recovery: {}",
                                tx.id(), b.database, e.getMessage());
                    } else {
                        b.rollbackQuietly(); // not prepared: its own rollback; prepared and unreachable: recovery's
                    }
                    return false;
                }
            }, others.size() == 1));
        }
        boolean all = true;
        for (Future<Boolean> f : finishes) {
            try {
                all &= f.get();
            } catch (Exception e) {
                all = false;
                LOG.warn("atomic transaction {}: finishing a branch failed: {}", tx.id(), e.toString());
            }
        }
        return all;
    }

    /**
     * D's COMMIT failed or lost its connection: the transaction may have committed or not. D's old session is ended
     * (so it cannot commit later), then the probe asks D; a committed transaction is finished, an aborted one rolled
     * back. Undecided within the settle time: in doubt, for recovery.
     */
    private void settleAmbiguousCommit(Exception commitFailure) {
        long deadline = System.nanoTime() + owner.settings().settleTime().toNanos();
        Exception last = commitFailure;
        while (true) {
            try {
                endSession(deciderSession);
                switch (Probe.probe(decider.firstShard, tx.id(), owner.settings().lockWait())) {
                    case COMMITTED -> {
                        LOG.info("atomic transaction {}: D's COMMIT failed ({}), but D recorded the commit",
                                tx.id(), commitFailure.getMessage());
                        return;
                    }
                    case ABORTED -> {
                        finishOthers(false);
                        throw rolledBack("its commit on " + decider.database + " failed", commitFailure);
                    }
                    case RUNNING -> last = commitFailure;
                }
            } catch (SQLException | RuntimeException e) {
                if (e instanceof RolledBackException rolledBack) throw rolledBack;
                last = e;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new InDoubtException(tx.id(), "atomic transaction " + tx.id() + " is in doubt: its commit on "
                        + decider.database + " failed (" + commitFailure.getMessage() + ") and the outcome could not be"
                        + " read back (" + last.getMessage() + "); it is committed on every shard or on none, and"
                        + " recovery (AtomicTransactions.recoverNow) settles it", commitFailure);
            }
            sleep(100);
        }
    }

    /** Ends D's old session, if it still exists, so its transaction either committed already or never will. */
    private void endSession(PreparedBranches.Session session) throws SQLException {
        if (session == null) return;
        try (Connection c = decider.firstShard.dataSource().getConnection()) {
            kind.endSession(DSL.using(c, decider.firstShard.dialect()), session);
        }
    }

    private RolledBackException rolledBack(String why, Throwable cause) {
        return new RolledBackException(tx.id(), "atomic transaction " + tx.id() + " rolled back: " + why + ": "
                + cause.getMessage() + " — nothing of it is committed on any shard", cause);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ShardException(ShardException.Code.INTERRUPTED, "interrupted while settling an atomic commit", e);
        }
    }
}
