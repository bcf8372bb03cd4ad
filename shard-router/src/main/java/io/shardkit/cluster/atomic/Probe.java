package io.shardkit.cluster.atomic;

import io.shardkit.cluster.Shard;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.jooq.impl.DefaultConnectionProvider;

/**
 * What the deciding shard says of a transaction, found by trying to insert an abort row for it with a short lock
 * wait. The coordinator's open transaction holds the row's key, so the insert waits while it lives; it fails as a
 * duplicate once the coordinator committed (or someone recorded an abort before), and succeeds only when that
 * transaction is gone — then the abort is durable, and a late COMMIT of the coordinator cannot succeed.
 *
 * <p>No row can also mean a committed transaction whose row was deleted once all its branches were finished: recovery
 * that saw a branch before that must not record an abort for it. So the abort is committed only if a branch is still
 * prepared while the insert holds the id — a committed transaction's row goes only after its last branch.
 */
final class Probe {
    enum Finding {
        COMMITTED, ABORTED, RUNNING,
        /** No decision row and no branch left: finished (committed or rolled back) since its branches were listed. */
        FINISHED
    }

    /** Whether a branch of the transaction is still prepared; asked while the abort insert holds the id. */
    @FunctionalInterface
    interface BranchCheck {
        boolean anyPrepared() throws SQLException;
    }

    private Probe() {
    }

    /** For a coordinator, whose own branches are prepared and unfinished. */
    static Finding probe(Shard decisionShard, String transaction, Duration lockWait) throws SQLException {
        return probe(decisionShard, transaction, lockWait, () -> true);
    }

    static Finding probe(Shard decisionShard, String transaction, Duration lockWait, BranchCheck branches)
            throws SQLException {
        PreparedBranches kind = PreparedBranches.of(decisionShard);
        try (Connection c = decisionShard.dataSource().getConnection()) {
            c.setAutoCommit(false);
            DSLContext dsl = DSL.using(decisionShard.dsl().configuration().derive(new DefaultConnectionProvider(c)));
            try {
                kind.limitLockWait(dsl, lockWait);
                dsl.insertInto(DecisionTable.TABLE).columns(DecisionTable.TX_ID, DecisionTable.OUTCOME,
                        DecisionTable.PARTICIPANTS).values(transaction, DecisionTable.ABORT, "").execute();
                if (!branches.anyPrepared()) {
                    c.rollback();
                    return Finding.FINISHED;
                }
                c.commit();
                return Finding.ABORTED;
            } catch (RuntimeException e) {
                c.rollback();
                if (kind.lockTimeout(e)) return Finding.RUNNING;
                if (!kind.duplicateKey(e)) throw e;
            } finally {
                kind.restoreLockWait(dsl);
            }
            String outcome = dsl.select(DecisionTable.OUTCOME).from(DecisionTable.TABLE)
                    .where(DecisionTable.TX_ID.eq(transaction)).fetchOne(DecisionTable.OUTCOME);
            c.commit();
            return outcome != null && outcome.strip().equals(DecisionTable.COMMIT) ? Finding.COMMITTED : Finding.ABORTED;
        }
    }

    /** The SQLState of the first SQLException among {@code e}'s causes, or null. */
    static String sqlState(Throwable e) {
        return PreparedBranches.sqlState(e);
    }
}
