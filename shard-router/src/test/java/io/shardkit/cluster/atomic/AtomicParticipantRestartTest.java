package io.shardkit.cluster.atomic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkit.cluster.ShardCluster;
import io.shardkit.router.ShardId;
import io.shardkit.test.EmbeddedShards;
import io.shardkit.test.Engine;
import io.shardkit.test.ReplicatedPostgres;
import io.shardkit.test.TestDatabase;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A participant's server crashes (SIGKILL) right after its PREPARE and starts again: the prepared branch survives the
 * restart and recovery finishes it the way the decision says — committed when D committed, rolled back when another
 * participant could not prepare.
 */
class AtomicParticipantRestartTest {
    private static EmbeddedShards dbs;
    private static ReplicatedPostgres killable;
    private BankLedger bank;
    private ShardCluster cluster;

    @BeforeAll
    static void startServers() {
        dbs = EmbeddedShards.start(Engine.POSTGRES, 2);
        killable = ReplicatedPostgres.start(1, 1);
    }

    @AfterAll
    static void stopServers() {
        if (killable != null) killable.close();
        if (dbs != null) dbs.close();
    }

    /** db0 (the deciding one) and db1 on the shared server, db2 on the server that crashes. */
    @BeforeEach
    void openBank() throws Exception {
        TestDatabase crashing = killable.primaries().getFirst();
        bank = new BankLedger("bank_restart", List.of(dbs.database(0), dbs.database(1), crashing));
        bank.open();
        cluster = bank.cluster("restart-test");
    }

    @AfterEach
    void closeCluster() {
        if (cluster != null) cluster.close();
    }

    @Test
    void aBranchPreparedBeforeItsServerCrashedIsCommittedAfterTheRestart() throws Exception {
        AtomicReference<String> tx = new AtomicReference<>();
        crashAfterPrepareOn("db2", tx);
        cluster.inAtomicTransaction(t -> {
            BankLedger.transfer(t, t.id(), List.of(0, 1, 2), List.of(1, 1, 1), 25);
            return null;
        }); // D committed: the transaction is committed although db2's COMMIT PREPARED could not run

        killable.primary().start();
        assertEquals(1, bank.prepared(), "the branch survived the crash");
        assertEquals(2, bank.shardsHolding().get(tx.get()), "committed on db0 and db1, still prepared on db2");
        List<RecoveryReport> reports = BankLedger.recoverUntilQuiet(cluster);
        assertEquals(Set.of(tx.get()), BankLedger.ids(reports, true), reports.toString());
        bank.assertConsistent();
        bank.assertTransfer(tx.get(), 3, true);
    }

    @Test
    void aBranchPreparedBeforeItsServerCrashedIsRolledBackWhenAnotherCouldNotPrepare() throws Exception {
        AtomicReference<String> tx = new AtomicReference<>();
        crashAfterPrepareOn("db2", tx);
        RolledBackException e = assertThrows(RolledBackException.class, () -> cluster.inAtomicTransaction(t -> {
            BankLedger.transfer(t, t.id(), List.of(0, 1, 2), List.of(2, 2, 2), 25);
            t.on(ShardId.of("s1")).execute("create temporary table scratch (x int)"); // db1 cannot prepare this
            return null;
        }));
        assertTrue(e.getMessage().contains("PREPARE failed on db1"), e.getMessage());

        killable.primary().start();
        assertEquals(1, bank.prepared(), "db2's branch survived the crash, undecided");
        List<RecoveryReport> reports = BankLedger.recoverUntilQuiet(cluster);
        assertEquals(Set.of(tx.get()), BankLedger.ids(reports, false), reports.toString());
        bank.assertConsistent();
        bank.assertTransfer(tx.get(), 3, false);
    }

    /** Crashes the killable server once {@code database} has prepared its branch, before anything is finished. */
    private void crashAfterPrepareOn(String database, AtomicReference<String> tx) {
        cluster.atomic().listener((step, transaction, db) -> {
            if (step == AtomicStep.PREPARED && db.equals(database)) {
                tx.set(transaction);
                killable.primary().kill();
            }
        });
    }
}
