package io.shardkit.samples;

import io.shardkit.cluster.ShardCluster;
import io.shardkit.cluster.ShardClusterBuilder;
import io.shardkit.cluster.atomic.AtomicTransaction;
import io.shardkit.cluster.atomic.RecoveryReport;
import io.shardkit.migrate.ShardMigrator;
import io.shardkit.router.ShardKeyType;
import io.shardkit.test.EmbeddedShards;
import io.shardkit.test.TestDatabase;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The atomic-transactions chapter, on embedded PostgreSQL: accounts on 3 databases, transfers between any two of them
 * committed on both or neither (two-phase commit, the decision in the first-written database), from 4 threads at
 * once while a recoverer runs; a transfer that would overdraw is rolled back everywhere; the sum of all balances
 * never changes.
 */
final class AtomicTour {
    static final int DATABASES = 3;
    static final int ACCOUNTS = 12;
    static final BigDecimal OPENING = new BigDecimal("1000.00");

    /** What the chapter did, for its test to check. */
    record Report(int committed, int refused, BigDecimal total, int legs, RecoveryReport recovery) {
    }

    private AtomicTour() {
    }

    static Report run(EmbeddedShards dbs, int transfers, PrintStream out) throws InterruptedException {
        ShardClusterBuilder b = ShardCluster.builder().name("bank").keyType(ShardKeyType.LONG).jump();
        for (int i = 0; i < DATABASES; i++) {
            TestDatabase d = dbs.database(i);
            b.database("db" + i, d.jdbcUrl(), d.username(), d.password()).shard("s" + i, "db" + i);
        }
        try (ShardCluster cluster = b.build()) {
            // the migrator also creates the decision table atomic transactions need on every PostgreSQL shard
            ShardMigrator.configure().cluster(cluster).locations("classpath:db/accounts").load().migrate().orThrow();
            cluster.atomic().check();
            cluster.atomic().recoverEvery(Duration.ofMillis(200)); // any instance may finish any instance's transfers
            for (long id = 1; id <= ACCOUNTS; id++) {
                cluster.dsl(id).execute("insert into account values (?, ?)", id, OPENING);
            }
            out.printf("%nAtomic transactions across shards: %d accounts of %s on %d databases%n", ACCOUNTS, OPENING, DATABASES);
            AtomicInteger committed = new AtomicInteger();
            AtomicInteger refused = new AtomicInteger();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                threads.add(Thread.ofVirtual().start(() -> {
                    ThreadLocalRandom r = ThreadLocalRandom.current();
                    for (int i = 0; i < transfers / 4; i++) {
                        long from = r.nextLong(1, ACCOUNTS + 1);
                        long other = r.nextLong(1, ACCOUNTS);
                        long to = other >= from ? other + 1 : other; // any account but the payer's
                        BigDecimal amount = BigDecimal.valueOf(r.nextLong(1, 60_000), 2);
                        try {
                            transfer(cluster, from, to, amount);
                            committed.incrementAndGet();
                        } catch (org.jooq.exception.DataAccessException e) {
                            if (!"23514".equals(e.sqlState())) throw e; // the balance check: nothing anywhere
                            refused.incrementAndGet();
                        }
                    }
                }));
            }
            for (Thread t : threads) t.join();
            BigDecimal total = BigDecimal.ZERO;
            int legs = 0;
            for (var shard : cluster.shards()) {
                total = total.add(shard.dsl().fetchOne("select coalesce(sum(balance), 0) from account").get(0, BigDecimal.class));
                legs += shard.dsl().fetchOne("select count(*) from transfer_leg").get(0, Integer.class);
            }
            RecoveryReport recovery = cluster.atomic().recoverNow();
            out.printf("  %d transfers from 4 threads: %d committed on both accounts' shards, %d refused (would overdraw)"
                    + " and rolled back on both%n", transfers, committed.get(), refused.get());
            out.printf("  sum of all balances: %s (%d × %s); transfer legs recorded: %d (2 per committed transfer)%n",
                    total, ACCOUNTS, OPENING, legs);
            out.printf("  recovery afterwards: %s%n", recovery);
            return new Report(committed.get(), refused.get(), total, legs, recovery);
        }
    }

    /**
     * Both accounts' rows and a leg on each side, in one atomic transaction (on one database a local one). The rows are
     * locked in account order: two transfers between the same accounts in opposite directions then queue instead of
     * deadlocking across databases, which no single database could see.
     */
    private static void transfer(ShardCluster cluster, long from, long to, BigDecimal amount) {
        cluster.inAtomicTransaction((AtomicTransaction tx) -> {
            for (long account : from < to ? new long[] {from, to} : new long[] {to, from}) {
                BigDecimal delta = account == from ? amount.negate() : amount;
                tx.on(account).execute("update account set balance = balance + ? where id = ?", delta, account);
                tx.on(account).execute("insert into transfer_leg values (?, ?, ?)", tx.id(), account, delta);
            }
            return null;
        });
    }
}
