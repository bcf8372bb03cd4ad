package io.shardkit.cluster.atomic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkit.cluster.ShardCluster;
import io.shardkit.cluster.ShardClusterBuilder;
import io.shardkit.router.ShardException;
import io.shardkit.router.ShardId;
import io.shardkit.test.EmbeddedShards;
import io.shardkit.test.Engine;
import io.shardkit.test.TestDatabase;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jooq.ExecuteContext;
import org.jooq.ExecuteListener;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Atomic transactions on real PostgreSQL databases of one server: commit, rollback, the one-database path, recovery. */
class AtomicTransactionsTest {
    private EmbeddedShards dbs;
    private ShardCluster cluster;
    private final List<String> statements = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        dbs = EmbeddedShards.start(Engine.POSTGRES, 3);
        ShardClusterBuilder b = ShardCluster.builder().name("atomic_test");
        for (int i = 0; i < 3; i++) {
            TestDatabase d = dbs.database(i);
            b.database("db" + i, d.jdbcUrl(), d.username(), d.password()).shard("s" + i, "db" + i);
        }
        ExecuteListener log = new ExecuteListener() {
            @Override
            public void executeStart(ExecuteContext ctx) {
                statements.add(ctx.sql());
            }
        };
        cluster = b.jump().keyType(io.shardkit.router.ShardKeyType.LONG).pin(0L, "s0").pin(1L, "s1").pin(2L, "s2").jooqConfiguration(ShardCluster.defaultJooqConfiguration()
                .derive(log)).build();
        for (int i = 0; i < 3; i++) {
            try (Connection c = dbs.database(i).open(); Statement s = c.createStatement()) {
                s.execute("create table account (id bigint primary key, balance numeric(12, 2) not null)");
                s.execute(DecisionTable.createStatement());
            }
        }
        for (long id = 0; id < 3; id++) cluster.dsl(id).execute("insert into account values (" + id + ", 100)");
        cluster.atomic().settings(AtomicSettings.DEFAULTS.withMinimumAge(Duration.ZERO));
    }

    @AfterEach
    void stop() {
        if (cluster != null) cluster.close();
        if (dbs != null) dbs.close();
    }

    private void transfer(AtomicTransaction tx, long from, long to, String amount) {
        tx.on(from).execute("update account set balance = balance - " + amount + " where id = " + from);
        tx.on(to).execute("update account set balance = balance + " + amount + " where id = " + to);
    }

    private BigDecimal balance(long id) {
        return cluster.dsl(id).fetchOne("select balance from account where id = " + id).get(0, BigDecimal.class);
    }

    private long prepared() {
        long n = 0;
        for (int i = 0; i < 3; i++) n += cluster.dsl(ShardId.of("s" + i)).fetchOne("select count(*) from pg_prepared_xacts where database = current_database()").get(0, Long.class);
        return n;
    }

    @Test
    void aTransferAcrossThreeDatabasesCommitsOnEveryOne() {
        cluster.inAtomicTransaction(tx -> {
            transfer(tx, 0, 1, "10.00");
            transfer(tx, 0, 2, "5.00");
            return null;
        });
        assertEquals(new BigDecimal("85.00"), balance(0));
        assertEquals(new BigDecimal("110.00"), balance(1));
        assertEquals(new BigDecimal("105.00"), balance(2));
        assertEquals(0, prepared(), "no prepared branch left");
        assertTrue(statements.stream().anyMatch(s -> s.startsWith("prepare transaction 'shardkit:atomic_test:")), statements.toString());
    }

    @Test
    void workThatThrowsLeavesNothingAnywhere() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> cluster.inAtomicTransaction(tx -> {
            transfer(tx, 0, 1, "10.00");
            throw new IllegalStateException("insufficient funds");
        }));
        assertEquals("insufficient funds", e.getMessage());
        assertEquals(new BigDecimal("100.00"), balance(0));
        assertEquals(new BigDecimal("100.00"), balance(1));
        assertEquals(0, prepared());
    }

    @Test
    void aParticipantThatCannotPrepareRollsBackEveryOne() {
        RolledBackException e = assertThrows(RolledBackException.class, () -> cluster.inAtomicTransaction(tx -> {
            transfer(tx, 0, 1, "10.00");
            tx.on(1L).execute("create temporary table scratch (x int)"); // PostgreSQL cannot prepare this branch
            return null;
        }));
        assertTrue(e.getMessage().contains("PREPARE failed on db1"), e.getMessage());
        assertEquals(new BigDecimal("100.00"), balance(0));
        assertEquals(new BigDecimal("100.00"), balance(1));
        assertEquals(0, prepared());
        assertEquals(0, cluster.dsl(0L).fetchOne("select count(*) from " + DecisionTable.NAME).get(0, Integer.class), "no decision row");
    }

    @Test
    void oneDatabaseIsAPlainLocalTransaction() {
        statements.clear();
        cluster.inAtomicTransaction(tx -> tx.on(0L).execute("update account set balance = balance - 1 where id = 0"));
        assertEquals(List.of("update account set balance = balance - 1 where id = 0"), statements);
        assertEquals(new BigDecimal("99.00"), balance(0));
    }

    @Test
    void decisionRowsAreClearedOnceEveryBranchCommitted() throws Exception {
        cluster.inAtomicTransaction(tx -> {
            transfer(tx, 0, 1, "1.00");
            return null;
        });
        // the coordinator's own cleanup runs every 500 ms; recovery clears whatever it left
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (cluster.dsl(0L).fetchOne("select count(*) from " + DecisionTable.NAME).get(0, Integer.class) > 0) {
            assertTrue(System.nanoTime() < deadline, "decision row still there after 5 s");
            Thread.sleep(50);
        }
    }

    /** A branch prepared by a coordinator that died before deciding: no decision row, so recovery rolls it back. */
    @Test
    void recoveryRollsBackABranchWithoutADecision() throws Exception {
        String tx = UUID.randomUUID().toString();
        prepareBranch(1, tx, "update account set balance = balance + 50 where id = 1");
        RecoveryReport r = cluster.atomic().recoverNow();
        assertEquals(List.of(tx), r.rolledBack(), r.toString());
        assertEquals(0, prepared());
        assertEquals(new BigDecimal("100.00"), balance(1));
        assertEquals("A", cluster.dsl(0L).fetchOne("select outcome from " + DecisionTable.NAME + " where tx_id = '" + tx + "'").get(0, String.class),
                "the abort is recorded, so a late coordinator cannot commit");
        assertEquals(1, cluster.atomic().recoverNow().decisionsCleared(), "and cleared by the next pass");
    }

    /** A coordinator that died after deciding: recovery commits what the decision row says. */
    @Test
    void recoveryCommitsABranchWhoseDecisionIsCommitted() throws Exception {
        String tx = UUID.randomUUID().toString();
        prepareBranch(2, tx, "update account set balance = balance + 7 where id = 2");
        cluster.dsl(0L).execute("insert into " + DecisionTable.NAME + " (tx_id, outcome, participants) values ('" + tx + "', 'C', 'db2')");
        RecoveryReport r = cluster.atomic().recoverNow();
        assertEquals(List.of(tx), r.committed(), r.toString());
        assertEquals(new BigDecimal("107.00"), balance(2));
        assertEquals(0, prepared());
    }

    /** The coordinator's open transaction holds the decision row: recovery leaves it running, and reports it lingering. */
    @Test
    void recoverySkipsATransactionWhoseCoordinatorStillRuns() throws Exception {
        String tx = UUID.randomUUID().toString();
        prepareBranch(1, tx, "update account set balance = balance + 3 where id = 1");
        try (Connection coordinator = dbs.database(0).open()) {
            coordinator.setAutoCommit(false);
            try (Statement s = coordinator.createStatement()) {
                s.execute("insert into " + DecisionTable.NAME + " (tx_id, outcome, participants) values ('" + tx + "', 'C', 'db1')");
            }
            cluster.atomic().settings(cluster.atomic().settings().withLockWait(Duration.ofMillis(50)));
            cluster.atomic().settings(new AtomicSettings(Duration.ofMillis(50), Duration.ZERO, Duration.ZERO, Duration.ofSeconds(1)));
            RecoveryReport r = cluster.atomic().recoverNow();
            assertEquals(List.of(tx), r.running(), r.toString());
            assertEquals(tx, r.lingering().getFirst().transactionId());
            assertEquals(1, prepared(), "left to its coordinator");
            coordinator.commit(); // the coordinator decides
        }
        RecoveryReport r = cluster.atomic().recoverNow();
        assertEquals(List.of(tx), r.committed(), r.toString());
        assertEquals(new BigDecimal("103.00"), balance(1));
    }

    /**
     * Two transfers locking the same two accounts on two databases in opposite orders: each database sees only a
     * wait, no deadlock. The lock timeout of a transaction across databases ends the wait; what failed is rolled back
     * everywhere, and nothing hangs.
     */
    @Test
    void aDeadlockAcrossDatabasesEndsAtTheLockTimeout() throws Exception {
        cluster.atomic().settings(cluster.atomic().settings().withLockTimeout(Duration.ofMillis(500)));
        java.util.concurrent.CyclicBarrier bothLocked = new java.util.concurrent.CyclicBarrier(2);
        java.util.concurrent.ConcurrentLinkedQueue<Object> outcomes = new java.util.concurrent.ConcurrentLinkedQueue<>();
        Thread[] threads = new Thread[2];
        for (int t = 0; t < 2; t++) {
            long first = t, second = 1 - t;
            threads[t] = Thread.ofPlatform().start(() -> {
                try {
                    cluster.inAtomicTransaction(tx -> {
                        tx.on(first).execute("update account set balance = balance - 1 where id = " + first);
                        tx.on(second).execute("select 1"); // both databases joined: the lock timeout is set on both
                        bothLocked.await();
                        tx.on(second).execute("update account set balance = balance + 1 where id = " + second);
                        return null;
                    });
                    outcomes.add("committed");
                } catch (Exception e) {
                    outcomes.add(e);
                }
            });
        }
        for (Thread t : threads) t.join();
        assertEquals(2, outcomes.size());
        long failed = outcomes.stream().filter(o -> o instanceof Exception).count();
        assertTrue(failed >= 1, "the two cannot both commit: " + outcomes);
        for (Object o : outcomes) {
            if (o instanceof Exception e) assertEquals("55P03", Probe.sqlState(e), "a lock timeout: " + e);
        }
        long committed = 2 - failed;
        // each committed transfer moved 1 from one account to the other: the sum never changes, and no half stays
        assertEquals(new BigDecimal("200.00"), balance(0).add(balance(1)));
        assertTrue(committed == 0 ? balance(0).equals(new BigDecimal("100.00")) : balance(0).compareTo(new BigDecimal("100.00")) != 0
                || committed == 2, "balances " + balance(0) + ", " + balance(1));
        assertEquals(0, prepared());
    }

    /**
     * A coordinator whose deciding COMMIT lost its connection ends D's old session before it asks for the outcome —
     * that session only: a process id another session got later (same id, another start time) is left alone.
     */
    @Test
    void endingTheDecidingSessionEndsThatSessionOnly() throws Exception {
        try (Connection d = dbs.database(0).open(); Connection admin = dbs.database(0).open()) {
            d.setAutoCommit(false);
            PreparedBranches.Session session = PostgresBranches.INSTANCE.writeDecision(
                    DSL.using(d, org.jooq.SQLDialect.POSTGRES), UUID.randomUUID().toString(), "db1");
            var adminDsl = DSL.using(admin, org.jooq.SQLDialect.POSTGRES);
            PostgresBranches.INSTANCE.endSession(adminDsl, new PreparedBranches.Session(session.id(), "1999-01-01 00:00:00+00"));
            assertTrue(d.isValid(2), "another start time: not this session, left running");
            PostgresBranches.INSTANCE.endSession(adminDsl, session);
            assertFalse(d.isValid(2), "the deciding session is gone, its transaction with it");
        }
        assertEquals(0, cluster.dsl(0L).fetchOne("select count(*) from " + DecisionTable.NAME).get(0, Integer.class),
                "its uncommitted decision row went with it");
    }

    @Test
    void startUpChecksNameAMissingDecisionTable() throws Exception {
        cluster.atomic().check();
        try (Connection c = dbs.database(2).open(); Statement s = c.createStatement()) {
            s.execute("drop table " + DecisionTable.NAME);
        }
        ShardException e = assertThrows(ShardException.class, () -> cluster.atomic().check());
        assertEquals(ShardException.Code.CONFIG, e.code());
        assertTrue(e.getMessage().contains("shard s2 has no table shardkit_atomic_decisions"), e.getMessage());
        assertFalse(e.getMessage().contains("s0 has no table"), e.getMessage());
    }

    private void prepareBranch(int database, String tx, String sql) throws Exception {
        String gid = new Gid("atomic_test", tx, ShardId.of("s0"), "db" + database).text();
        try (Connection c = dbs.database(database).open(); Statement s = c.createStatement()) {
            s.execute("begin");
            s.execute(sql);
            s.execute("prepare transaction '" + gid + "'");
        }
    }
}
