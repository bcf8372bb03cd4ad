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
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jooq.ExecuteContext;
import org.jooq.ExecuteListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Atomic transactions across MariaDB databases (experimental XA participants) on the embedded MariaDB. */
class MariaDbAtomicTransactionsTest {
    static final String CLUSTER = "xa_test";

    private EmbeddedShards dbs;
    private ShardCluster cluster;
    private final List<String> statements = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        dbs = EmbeddedShards.start(Engine.MARIADB, 3);
        cluster = cluster(CLUSTER, dbs.databases(), statements);
        for (int i = 0; i < 3; i++) createTables(dbs.database(i));
        for (long id = 0; id < 3; id++) cluster.dsl(id).execute("insert into account values (" + id + ", 100)");
        cluster.atomic().settings(AtomicSettings.DEFAULTS.withMinimumAge(Duration.ZERO)).experimentalMariaDbXa(true);
    }

    @AfterEach
    void stop() {
        if (cluster != null) cluster.close();
        if (dbs != null) dbs.close();
    }

    /** Databases db0..db2, shards s0..s2; key i on shard si; every statement logged. */
    static ShardCluster cluster(String name, List<TestDatabase> databases, List<String> statements) {
        ShardClusterBuilder b = ShardCluster.builder().name(name);
        for (int i = 0; i < databases.size(); i++) {
            TestDatabase d = databases.get(i);
            b.database("db" + i, d.jdbcUrl(), d.username(), d.password()).shard("s" + i, "db" + i);
        }
        ExecuteListener log = new ExecuteListener() {
            @Override
            public void executeStart(ExecuteContext ctx) {
                statements.add(ctx.sql());
            }
        };
        return b.jump().keyType(io.shardkit.router.ShardKeyType.LONG).pin(0L, "s0").pin(1L, "s1").pin(2L, "s2")
                .jooqConfiguration(ShardCluster.defaultJooqConfiguration().derive(log)).build();
    }

    static void createTables(TestDatabase db) throws Exception {
        try (Connection c = db.open(); Statement s = c.createStatement()) {
            s.execute("create table account (id bigint primary key, balance decimal(12, 2) not null) engine = InnoDB");
            s.execute(DecisionTable.createStatement(org.jooq.SQLDialect.MARIADB));
        }
    }

    static void transfer(AtomicTransaction tx, long from, long to, String amount) {
        tx.on(from).execute("update account set balance = balance - " + amount + " where id = " + from);
        tx.on(to).execute("update account set balance = balance + " + amount + " where id = " + to);
    }

    static BigDecimal balance(ShardCluster cluster, long id) {
        return cluster.dsl(id).fetchOne("select balance from account where id = " + id).get(0, BigDecimal.class);
    }

    /** This cluster's prepared XA branches on the server, by XA RECOVER. */
    static List<String> prepared(TestDatabase anyDb, String cluster) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = anyDb.open(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("xa recover")) {
            while (rs.next()) {
                String data = rs.getString("data");
                if (rs.getInt("formatID") == MariaDbBranches.FORMAT_ID && data.contains(cluster + ":")) out.add(data);
            }
        }
        return out;
    }

    private int decisionRows() {
        return cluster.dsl(0L).fetchOne("select count(*) from " + DecisionTable.NAME).get(0, Integer.class);
    }

    @Test
    void aTransferAcrossThreeDatabasesCommitsOnEveryOne() throws Exception {
        cluster.inAtomicTransaction(tx -> {
            transfer(tx, 0, 1, "10.00");
            transfer(tx, 0, 2, "5.00");
            return null;
        });
        assertEquals(new BigDecimal("85.00"), balance(cluster, 0));
        assertEquals(new BigDecimal("110.00"), balance(cluster, 1));
        assertEquals(new BigDecimal("105.00"), balance(cluster, 2));
        assertEquals(List.of(), prepared(dbs.database(0), CLUSTER), "no prepared branch left");
        for (String step : List.of("xa start", "xa end", "xa prepare", "xa commit")) {
            assertEquals(2, statements.stream().filter(s -> s.startsWith(step + " '")).count(), step + " in " + statements);
        }
        assertTrue(statements.stream().anyMatch(s -> s.startsWith("xa start '") && s.endsWith("','xa_test:s0:db1',5457995")),
                statements.toString());
    }

    @Test
    void withoutTheFlagATransactionAcrossMariaDbDatabasesIsRefused() {
        cluster.atomic().experimentalMariaDbXa(false);
        ShardException e = assertThrows(ShardException.class, () -> cluster.inAtomicTransaction(tx -> {
            transfer(tx, 0, 1, "10.00");
            return null;
        }));
        assertEquals(ShardException.Code.CONFIG, e.code());
        assertTrue(e.getMessage().contains("MariaDB participants (XA) are experimental and off; turn them on with"
                + " AtomicTransactions.experimentalMariaDbXa(true)"), e.getMessage());
        assertEquals(new BigDecimal("100.00"), balance(cluster, 0), "the first update rolled back");
        assertEquals(0, decisionRows());
    }

    @Test
    void oneMariaDbDatabaseNeedsNoFlagAndNoXa() {
        cluster.atomic().experimentalMariaDbXa(false);
        statements.clear();
        cluster.inAtomicTransaction(tx -> tx.on(0L).execute("update account set balance = balance - 1 where id = 0"));
        assertEquals(List.of("update account set balance = balance - 1 where id = 0"), statements);
        assertEquals(new BigDecimal("99.00"), balance(cluster, 0));
    }

    /** The participant's session is killed before it prepares (as a failover or an administrator would). */
    @Test
    void aParticipantThatCannotPrepareRollsBackEveryOne() throws Exception {
        cluster.atomic().listener((step, tx, database) -> {
            if (step == AtomicStep.DECISION_WRITTEN) killSessionsOn(dbs.database(1));
        });
        RolledBackException e = assertThrows(RolledBackException.class, () -> cluster.inAtomicTransaction(tx -> {
            transfer(tx, 0, 1, "10.00");
            transfer(tx, 0, 2, "10.00");
            return null;
        }));
        assertTrue(e.getMessage().contains("PREPARE failed on db1"), e.getMessage());
        cluster.atomic().listener(AtomicListener.NONE);
        for (long id = 0; id < 3; id++) assertEquals(new BigDecimal("100.00"), balance(cluster, id), "account " + id);
        assertEquals(List.of(), prepared(dbs.database(0), CLUSTER), "db2's prepared branch rolled back");
        assertEquals(0, decisionRows(), "no decision row");
    }

    /** A coordinator that died after deciding: recovery commits what the decision row says. */
    @Test
    void recoveryCommitsABranchWhoseDecisionIsCommitted() throws Exception {
        String tx = UUID.randomUUID().toString();
        prepareBranch(2, tx, "update account set balance = balance + 7 where id = 2");
        cluster.dsl(0L).execute("insert into " + DecisionTable.NAME + " (tx_id, outcome, participants) values ('" + tx + "', 'C', 'db2')");
        RecoveryReport r = cluster.atomic().recoverNow();
        assertEquals(List.of(tx), r.committed(), r.toString());
        assertEquals(new BigDecimal("107.00"), balance(cluster, 2));
        assertEquals(List.of(), prepared(dbs.database(0), CLUSTER));
        assertEquals(1, cluster.atomic().recoverNow().decisionsCleared(), "no branch left: the row goes");
    }

    /** A branch prepared by a coordinator that died before deciding: no decision row, so recovery rolls it back. */
    @Test
    void recoveryRollsBackABranchWithoutADecision() throws Exception {
        String tx = UUID.randomUUID().toString();
        prepareBranch(1, tx, "update account set balance = balance + 50 where id = 1");
        RecoveryReport r = cluster.atomic().recoverNow();
        assertEquals(List.of(tx), r.rolledBack(), r.toString());
        assertEquals(List.of(), prepared(dbs.database(0), CLUSTER));
        assertEquals(new BigDecimal("100.00"), balance(cluster, 1));
        assertEquals("A", cluster.dsl(0L).fetchOne("select outcome from " + DecisionTable.NAME + " where tx_id = '" + tx + "'")
                .get(0, String.class), "the abort is recorded, so a late coordinator cannot commit");
    }

    /** The coordinator's open transaction holds the decision row: recovery leaves its branch alone. */
    @Test
    void recoverySkipsATransactionWhoseCoordinatorStillRuns() throws Exception {
        String tx = UUID.randomUUID().toString();
        prepareBranch(1, tx, "update account set balance = balance + 3 where id = 1");
        try (Connection coordinator = dbs.database(0).open()) {
            coordinator.setAutoCommit(false);
            try (Statement s = coordinator.createStatement()) {
                s.execute("insert into " + DecisionTable.NAME + " (tx_id, outcome, participants) values ('" + tx + "', 'C', 'db1')");
            }
            cluster.atomic().settings(new AtomicSettings(Duration.ofMillis(50), Duration.ZERO, Duration.ZERO, Duration.ofSeconds(1)));
            RecoveryReport r = cluster.atomic().recoverNow();
            assertEquals(List.of(tx), r.running(), r.toString());
            assertEquals(tx, r.lingering().getFirst().transactionId());
            assertEquals(1, prepared(dbs.database(0), CLUSTER).size(), "left to its coordinator");
            coordinator.commit(); // the coordinator decides
        }
        RecoveryReport r = cluster.atomic().recoverNow();
        assertEquals(List.of(tx), r.committed(), r.toString());
        assertEquals(new BigDecimal("103.00"), balance(cluster, 1));
    }

    /** XA RECOVER keeps no time: the minimum age counts from this instance's first sighting of a branch. */
    @Test
    void theMinimumAgeCountsFromTheFirstSighting() throws Exception {
        String tx = UUID.randomUUID().toString();
        prepareBranch(1, tx, "update account set balance = balance + 4 where id = 1");
        cluster.atomic().settings(AtomicSettings.DEFAULTS.withMinimumAge(Duration.ofMillis(300)));
        RecoveryReport first = cluster.atomic().recoverNow();
        assertEquals(List.of(), first.rolledBack(), "first seen now: left alone");
        Thread.sleep(300);
        assertEquals(List.of(tx), cluster.atomic().recoverNow().rolledBack());
    }

    @Test
    void startUpChecksNameAMissingDecisionTableAndAnEngineWithoutRowLocks() throws Exception {
        cluster.atomic().check();
        try (Connection c = dbs.database(2).open(); Statement s = c.createStatement()) {
            s.execute("drop table " + DecisionTable.NAME);
        }
        try (Connection c = dbs.database(1).open(); Statement s = c.createStatement()) {
            s.execute("alter table " + DecisionTable.NAME + " engine = MyISAM");
        }
        ShardException e = assertThrows(ShardException.class, () -> cluster.atomic().check());
        assertEquals(ShardException.Code.CONFIG, e.code());
        assertTrue(e.getMessage().contains("shard s2 has no table shardkit_atomic_decisions"), e.getMessage());
        assertTrue(e.getMessage().contains("shard s1's table shardkit_atomic_decisions uses the MyISAM engine: it must be"
                + " InnoDB"), e.getMessage());
        assertFalse(e.getMessage().contains("s0"), e.getMessage());
    }

    @Test
    void decisionTableCreateMakesAnInnoDbTable() throws Exception {
        cluster.dsl(0L).execute("drop table " + DecisionTable.NAME);
        DecisionTable.create(cluster.dsl(ShardId.of("s0")));
        DecisionTable.create(cluster.dsl(ShardId.of("s0"))); // idempotent
        cluster.atomic().check();
    }

    private void prepareBranch(int database, String tx, String sql) throws Exception {
        String xid = MariaDbBranches.xid(new Gid(CLUSTER, tx, ShardId.of("s0"), "db" + database));
        try (Connection c = dbs.database(database).open(); Statement s = c.createStatement()) {
            s.execute("xa start " + xid);
            s.execute(sql);
            s.execute("xa end " + xid);
            s.execute("xa prepare " + xid);
        }
    }

    /** Kills the sessions on {@code db} in a transaction (the branch's; idle pooled ones live on), by KILL CONNECTION. */
    static void killSessionsOn(TestDatabase db) {
        try (Connection c = db.open(); Statement s = c.createStatement()) {
            List<Long> ids = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("select p.id from information_schema.processlist p join"
                    + " information_schema.innodb_trx t on t.trx_mysql_thread_id = p.id where p.db = '" + db.name()
                    + "' and p.id <> connection_id()")) {
                while (rs.next()) ids.add(rs.getLong(1));
            }
            if (ids.size() != 1) throw new IllegalStateException("expected the one branch session on " + db.name() + ": " + ids);
            for (long id : ids) {
                try {
                    s.execute("kill connection " + id);
                } catch (java.sql.SQLException gone) {
                    // ended meanwhile
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
