package io.shardkit.cluster.atomic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkit.cluster.ShardCluster;
import io.shardkit.test.EmbeddedShards;
import io.shardkit.test.Engine;
import io.shardkit.test.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A coordinator process killed (SIGKILL) or paused (SIGSTOP) at each step of a transfer's commit across databases;
 * recovery from this process — another instance — then finishes the transfer as its decision says, and the bank stays
 * consistent: no money made or lost, no transfer on some of its shards only, no prepared branch or decision row left.
 */
class AtomicCoordinatorKillTest {
    private static final int WARM_UP = 2;
    private static EmbeddedShards dbs;
    private BankLedger bank;

    @BeforeAll
    static void startServer() {
        dbs = EmbeddedShards.start(Engine.POSTGRES, 4);
    }

    @AfterAll
    static void stopServer() {
        if (dbs != null) dbs.close();
    }

    @BeforeEach
    void openBank() throws Exception {
        bank = new BankLedger("bank_kill", dbs.databases());
        bank.open();
    }

    @ParameterizedTest(name = "SIGKILL at {0} of a transfer over shards {1}: committed {2}")
    @CsvSource(delimiter = ';', value = {
        "DECISION_WRITTEN; 0,1; false", // the decision row is in D's open transaction, nothing prepared
        "PREPARED; 0,1,2; false",        // one branch prepared, the other prepared or under way
        "DECIDED; 0,1,2,3; true",        // D committed, three branches prepared
        "BRANCH_COMMITTED; 0,1,2; true"  // one branch committed, the other prepared or committed
    })
    void aKilledCoordinatorsTransferIsFinishedAsItsDecisionSays(AtomicStep at, String shardList, boolean committed)
            throws Exception {
        List<Integer> shards = Arrays.stream(shardList.split(",")).map(Integer::valueOf).toList();
        List<String> warmedUp = new ArrayList<>();
        String doomed;
        try (DyingCoordinator.Child child = DyingCoordinator.Child.start(bank, at, WARM_UP, shards)) {
            for (int i = 0; i < WARM_UP; i++) {
                String line = child.await("OUTCOME ");
                assertTrue(line.startsWith("OUTCOME COMMITTED "), line);
                warmedUp.add(line.substring(line.lastIndexOf(' ') + 1));
            }
            doomed = child.await("AT " + at + " ").split(" ")[2];
            child.kill();
        }
        long prepared = bank.prepared();
        switch (at) {
            case DECISION_WRITTEN -> assertEquals(0, prepared, "nothing was prepared");
            case PREPARED -> assertTrue(prepared >= 1, "branches left prepared: " + prepared);
            case DECIDED -> assertEquals(shards.size() - 1, prepared, "every other branch prepared, none committed");
            case BRANCH_COMMITTED -> assertTrue(prepared <= shards.size() - 2, "one branch committed: " + prepared);
            default -> throw new IllegalArgumentException(at.name());
        }

        try (ShardCluster rescuer = bank.cluster("rescuer")) {
            List<RecoveryReport> reports = BankLedger.recoverUntilQuiet(rescuer);
            if (prepared > 0) {
                assertEquals(List.of(doomed), List.copyOf(BankLedger.ids(reports, committed)), reports.toString());
            }
            assertTrue(BankLedger.ids(reports, !committed).isEmpty(), reports.toString());
        }
        bank.assertConsistent();
        bank.assertTransfer(doomed, shards.size(), committed);
        for (String id : warmedUp) bank.assertTransfer(id, shards.size(), true);
    }

    /**
     * SIGSTOP between PREPARE and the deciding COMMIT: the coordinator's open transaction in D still holds the decision
     * row, so recovery leaves it running. Once an administrator ends that session, recovery records the abort and rolls
     * back; the coordinator, resumed with SIGCONT, must then report ROLLED_BACK — its COMMIT can no longer succeed.
     */
    @Test
    void aPausedCoordinatorWhoseSessionIsKilledReportsRolledBack() throws Exception {
        List<Integer> shards = List.of(0, 1, 2);
        try (DyingCoordinator.Child child = DyingCoordinator.Child.start(bank, AtomicStep.ALL_PREPARED, 0, shards);
             ShardCluster rescuer = bank.cluster("rescuer")) {
            String tx = child.await("AT ALL_PREPARED ").split(" ")[2];
            child.signal("STOP");
            awaitState(child.process().pid(), 'T');
            child.release(); // read only once the process runs again: SIGSTOP alone holds it before its COMMIT

            rescuer.atomic().settings(rescuer.atomic().settings().withMinimumAge(java.time.Duration.ZERO));
            RecoveryReport whilePaused = rescuer.atomic().recoverNow();
            assertEquals(List.of(tx), whilePaused.running(), whilePaused.toString());
            assertEquals(List.of(), whilePaused.rolledBack(), whilePaused.toString());
            assertEquals(2, bank.prepared(), "the coordinator's branches stay prepared");

            terminateCoordinatorSession(dbs.database(0));
            RecoveryReport afterKill = rescuer.atomic().recoverNow();
            assertEquals(List.of(tx), afterKill.rolledBack(), afterKill.toString());
            assertEquals(0, bank.prepared());

            child.signal("CONT");
            assertEquals("OUTCOME ROLLED_BACK " + tx, child.await("OUTCOME "));
            assertEquals(0, child.process().waitFor());
            BankLedger.recoverUntilQuiet(rescuer);
            bank.assertConsistent();
            bank.assertTransfer(tx, shards.size(), false);
        }
    }

    /** Ends the coordinator's one open transaction on D, the session that holds the decision row. */
    private static void terminateCoordinatorSession(TestDatabase d) throws Exception {
        try (Connection c = d.open(); Statement s = c.createStatement()) {
            String who = "from pg_stat_activity where datname = current_database() and application_name = '"
                    + DyingCoordinator.APPLICATION + "' and state = 'idle in transaction'";
            try (ResultSet rs = s.executeQuery("select count(*), bool_and(pg_terminate_backend(pid)) " + who)) {
                rs.next();
                assertEquals(1, rs.getInt(1), "the coordinator's open transaction on " + d.name());
                assertTrue(rs.getBoolean(2));
            }
            for (int i = 0; i < 500; i++) {
                try (ResultSet rs = s.executeQuery("select count(*) " + who)) {
                    rs.next();
                    if (rs.getInt(1) == 0) return;
                }
                Thread.sleep(10);
            }
            throw new AssertionError("the coordinator's session on " + d.name() + " did not end");
        }
    }

    /** Waits until the process is in {@code state} ({@code T}: stopped by a signal), as /proc shows it. */
    private static void awaitState(long pid, char state) throws Exception {
        Path stat = Path.of("/proc", String.valueOf(pid), "stat");
        for (int i = 0; i < 1000; i++) {
            String s = Files.readString(stat);
            if (s.charAt(s.lastIndexOf(')') + 2) == state) return;
            Thread.sleep(5);
        }
        throw new AssertionError("process " + pid + " not in state " + state + ": " + Files.readString(stat));
    }
}
