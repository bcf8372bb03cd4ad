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
 */
final class Probe {
    enum Finding { COMMITTED, ABORTED, RUNNING }

    private Probe() {
    }

    static Finding probe(Shard decisionShard, String transaction, Duration lockWait) throws SQLException {
        PreparedBranches kind = PreparedBranches.of(decisionShard);
        try (Connection c = decisionShard.dataSource().getConnection()) {
            c.setAutoCommit(false);
            DSLContext dsl = DSL.using(decisionShard.dsl().configuration().derive(new DefaultConnectionProvider(c)));
            try {
                kind.limitLockWait(dsl, lockWait);
                dsl.insertInto(DecisionTable.TABLE).columns(DecisionTable.TX_ID, DecisionTable.OUTCOME,
                        DecisionTable.PARTICIPANTS).values(transaction, DecisionTable.ABORT, "").execute();
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
