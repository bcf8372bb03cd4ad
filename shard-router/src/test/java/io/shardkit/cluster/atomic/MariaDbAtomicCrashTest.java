package io.shardkit.cluster.atomic;

import static io.shardkit.cluster.atomic.MariaDbAtomicTransactionsTest.balance;
import static io.shardkit.cluster.atomic.MariaDbAtomicTransactionsTest.prepared;
import static io.shardkit.cluster.atomic.MariaDbAtomicTransactionsTest.transfer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.shardkit.cluster.ShardCluster;
import io.shardkit.test.MariaDbFaults;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Atomic transactions across MariaDB databases whose server crashes (SIGKILL of mariadbd) mid-commit. */
class MariaDbAtomicCrashTest {
    private MariaDbFaults server;
    private ShardCluster cluster;

    @BeforeEach
    void start() throws Exception {
        server = MariaDbFaults.start(3);
        cluster = MariaDbAtomicTransactionsTest.cluster("xa_crash", server.databases(), new CopyOnWriteArrayList<>());
        for (int i = 0; i < 3; i++) MariaDbAtomicTransactionsTest.createTables(server.database(i));
        for (long id = 0; id < 3; id++) cluster.dsl(id).execute("insert into account values (" + id + ", 100)");
        cluster.atomic().settings(AtomicSettings.DEFAULTS.withMinimumAge(Duration.ZERO)).experimentalMariaDbXa(true);
    }

    @AfterEach
    void stop() {
        if (cluster != null) cluster.close();
        if (server != null) server.close();
    }

    /**
     * The server of every participant dies after the deciding COMMIT, before any XA COMMIT: the transaction is
     * committed; after the restart its prepared branches are still there, and recovery commits them.
     */
    @Test
    void branchesPreparedBeforeACrashAreCommittedByRecoveryAfterTheRestart() throws Exception {
        AtomicReference<String> decided = new AtomicReference<>();
        cluster.atomic().listener((step, tx, database) -> {
            if (step == AtomicStep.DECIDED) {
                decided.set(tx);
                server.kill();
            }
        });
        cluster.inAtomicTransaction(tx -> {
            transfer(tx, 0, 1, "10.00");
            transfer(tx, 0, 2, "5.00");
            return null;
        });
        cluster.atomic().listener(AtomicListener.NONE);
        assertFalse(server.running());
        server.start();
        assertEquals(2, prepared(server.database(0), "xa_crash").size(), "both branches survived the crash");
        RecoveryReport r = cluster.atomic().recoverNow();
        assertEquals(List.of(decided.get()), r.committed(), r.toString());
        assertEquals(new BigDecimal("85.00"), balance(cluster, 0));
        assertEquals(new BigDecimal("110.00"), balance(cluster, 1));
        assertEquals(new BigDecimal("105.00"), balance(cluster, 2));
        assertEquals(List.of(), prepared(server.database(0), "xa_crash"));
    }

    /**
     * The server dies after the participants prepared, before the deciding COMMIT, and comes back: D's open
     * transaction died with it, so the coordinator's probe records the abort and it reports a rollback; the branches
     * survived the crash, and recovery rolls them back as the abort row says.
     */
    @Test
    void branchesPreparedBeforeACrashWithoutADecisionAreRolledBackAfterTheRestart() throws Exception {
        cluster.atomic().settings(new AtomicSettings(Duration.ofMillis(200), Duration.ZERO, Duration.ofMinutes(1),
                Duration.ofSeconds(60)));
        cluster.atomic().listener((step, tx, database) -> {
            if (step == AtomicStep.ALL_PREPARED) {
                server.kill();
                Thread.ofVirtual().start(server::start);
            }
        });
        RolledBackException e = assertThrows(RolledBackException.class, () -> cluster.inAtomicTransaction(tx -> {
            transfer(tx, 0, 1, "10.00");
            transfer(tx, 0, 2, "5.00");
            return null;
        }));
        cluster.atomic().listener(AtomicListener.NONE);
        assertEquals(2, prepared(server.database(0), "xa_crash").size(), "both branches survived the crash");
        RecoveryReport r = cluster.atomic().recoverNow();
        assertEquals(List.of(e.transactionId()), r.rolledBack(), r.toString());
        for (long id = 0; id < 3; id++) assertEquals(new BigDecimal("100.00"), balance(cluster, id), "account " + id);
        assertEquals(List.of(), prepared(server.database(0), "xa_crash"));
    }
}
