package io.shardkit.cluster.atomic;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shardkit.cluster.ShardCluster;
import io.shardkit.router.ShardId;
import io.shardkit.test.EmbeddedShards;
import io.shardkit.test.Engine;
import io.shardkit.test.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Recovery lists a branch, then its coordinator commits, finishes every branch and deletes the decision row before
 * recovery's probe gets to the deciding shard. The probe then finds no row: that must not be recorded as an abort of a
 * transaction that committed (found by {@link AtomicRecoverySoakTest}: recovery reported committed transfers as
 * rolled back, and left abort rows saying so).
 */
class RecoveryRaceTest {
    @Test
    void aTransactionFinishedWhileRecoveryWaitedIsNeitherAbortedNorReported() throws Exception {
        try (EmbeddedShards dbs = EmbeddedShards.start(Engine.POSTGRES, 2)) {
            BankLedger bank = new BankLedger("race", dbs.databases());
            bank.open();
            try (ShardCluster cluster = bank.cluster("race-test")) {
                cluster.atomic().settings(new AtomicSettings(Duration.ofSeconds(30), Duration.ZERO, Duration.ofMinutes(1),
                        Duration.ofSeconds(10)));
                String tx = UUID.randomUUID().toString();
                String gid = new Gid("race", tx, ShardId.of("s0"), "db1").text();
                exec(dbs.database(1), "begin", "update account set balance = balance + 5 where id = 1",
                        "prepare transaction '" + gid + "'");
                try (Connection coordinator = dbs.database(0).open(); Statement d = coordinator.createStatement()) {
                    coordinator.setAutoCommit(false);
                    d.execute("insert into " + DecisionTable.NAME + " (tx_id, outcome, participants) values ('" + tx
                            + "', 'C', 'db1')");
                    CompletableFuture<RecoveryReport> recovery = CompletableFuture.supplyAsync(() -> cluster.atomic().recoverNow());
                    awaitLockWaiter(dbs.database(0)); // recovery listed the branch; its probe waits on the row's key

                    // meanwhile the coordinator finishes: its branch committed, its decision row deleted
                    exec(dbs.database(1), "commit prepared '" + gid + "'");
                    d.execute("delete from " + DecisionTable.NAME + " where tx_id = '" + tx + "'");
                    coordinator.commit();

                    RecoveryReport report = recovery.get();
                    assertEquals(List.of(), report.rolledBack(), report.toString());
                    assertEquals(List.of(), report.committed(), "recovery finished nothing: " + report);
                }
                assertEquals(0, count(dbs.database(0), "select count(*) from " + DecisionTable.NAME),
                        "no abort row for a committed transaction");
                assertEquals(BankLedger.OPENING_BALANCE + 5,
                        count(dbs.database(1), "select balance from account where id = 1"));
            }
        }
    }

    private static void awaitLockWaiter(TestDatabase d) throws Exception {
        for (int i = 0; i < 3000; i++) {
            if (count(d, "select count(*) from pg_stat_activity where datname = current_database()"
                    + " and wait_event_type = 'Lock'") > 0) return;
            Thread.sleep(10);
        }
        throw new AssertionError("recovery's probe never waited on the decision row");
    }

    private static void exec(TestDatabase d, String... sql) throws Exception {
        try (Connection c = d.open(); Statement s = c.createStatement()) {
            for (String q : sql) s.execute(q);
        }
    }

    private static long count(TestDatabase d, String sql) throws Exception {
        try (Connection c = d.open(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
