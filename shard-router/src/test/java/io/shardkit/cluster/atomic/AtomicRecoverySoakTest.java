package io.shardkit.cluster.atomic;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shardkit.cluster.ShardCluster;
import io.shardkit.test.EmbeddedShards;
import io.shardkit.test.Engine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Two recoverers, on two other cluster instances, every 10 ms with minimum age zero, against live transfers on 2–4 of
 * four shards from several threads: recovery must never take a live transaction for a dead one. Every transfer commits,
 * no recovery pass reports one of them rolled back, and the bank is consistent afterwards.
 *
 * <p>{@code -Dshardkit.atomic.soak.transfers=N} sets the number of transfers (the soak is 10,000; CI runs 2,000).
 */
class AtomicRecoverySoakTest {
    private static final int TRANSFERS = Integer.getInteger("shardkit.atomic.soak.transfers", 2_000);
    private static final int THREADS = 4;
    private static final int SHARDS = 4;

    @Test
    void recoverersEvery10MsNeverRollBackALiveTransfer() throws Exception {
        try (EmbeddedShards dbs = EmbeddedShards.start(Engine.POSTGRES, SHARDS)) {
            BankLedger bank = new BankLedger("bank_soak", dbs.databases());
            bank.open();
            Set<String> committed = ConcurrentHashMap.newKeySet();
            List<String> failures = new CopyOnWriteArrayList<>();
            List<RecoveryReport> reports = new CopyOnWriteArrayList<>();
            AtomicBoolean transferring = new AtomicBoolean(true);
            try (ShardCluster app = bank.cluster("soak-app");
                 ShardCluster recoverer1 = bank.cluster("soak-recoverer-1");
                 ShardCluster recoverer2 = bank.cluster("soak-recoverer-2")) {
                // recoverEvery(10 ms), but each pass's report kept: it must never name a live transfer
                List<Thread> recoverers = new ArrayList<>();
                for (ShardCluster r : List.of(recoverer1, recoverer2)) {
                    r.atomic().settings(r.atomic().settings().withMinimumAge(Duration.ZERO));
                    recoverers.add(Thread.ofPlatform().daemon().name("soak-" + r.name()).start(() -> {
                        while (transferring.get()) {
                            RecoveryReport report = r.atomic().recoverNow();
                            if (!report.rolledBack().isEmpty() || !report.committed().isEmpty()
                                    || !report.problems().isEmpty()) reports.add(report);
                            sleep(10);
                        }
                    }));
                }
                AtomicInteger next = new AtomicInteger();
                long started = System.nanoTime();
                try (ExecutorService workers = Executors.newFixedThreadPool(THREADS)) {
                    List<Future<?>> done = new ArrayList<>();
                    for (int w = 0; w < THREADS; w++) {
                        done.add(workers.submit(() -> {
                            while (next.getAndIncrement() < TRANSFERS) transferOnce(app, committed, failures);
                        }));
                    }
                    for (Future<?> f : done) f.get();
                } finally {
                    transferring.set(false);
                    for (Thread t : recoverers) t.join();
                }
                List<String> problems = reports.stream().flatMap(r -> r.problems().stream()).toList();
                System.out.printf("atomic soak: %d transfers on %d threads in %d ms; recovery committed %d live"
                        + " transfers' branches, rolled back %d, problems %s%n", TRANSFERS, THREADS,
                        (System.nanoTime() - started) / 1_000_000, reports.stream().mapToInt(r -> r.committed().size()).sum(),
                        reports.stream().mapToInt(r -> r.rolledBack().size()).sum(), problems);

                assertEquals(List.of(), failures, "every live transfer commits");
                assertEquals(TRANSFERS, committed.size());
                List<String> rolledBackLive = new ArrayList<>();
                for (RecoveryReport r : reports) {
                    for (String tx : r.rolledBack()) if (committed.contains(tx)) rolledBackLive.add(tx + " in " + r);
                }
                assertEquals(List.of(), rolledBackLive, "recovery reported a committed transfer rolled back");
                assertEquals(List.of(), problems, "racing a coordinator to finish a branch is no problem");
                BankLedger.recoverUntilQuiet(recoverer1);
            }
            bank.assertConsistent();
            assertEquals(committed, bank.shardsHolding().keySet(), "every committed transfer, and only those, in the books");
        }
    }

    /** A transfer between one random account on each of 2–4 random shards, in ascending shard order. */
    private static void transferOnce(ShardCluster app, Set<String> committed, List<String> failures) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        List<Integer> shards = new ArrayList<>();
        while (shards.size() < 2) {
            shards.clear();
            for (int s = 0; s < SHARDS; s++) if (random.nextBoolean()) shards.add(s);
        }
        List<Integer> accounts = shards.stream().map(s -> random.nextInt(BankLedger.ACCOUNTS_PER_SHARD)).toList();
        String[] id = new String[1];
        try {
            app.inAtomicTransaction(tx -> {
                id[0] = tx.id();
                BankLedger.transfer(tx, tx.id(), shards, accounts, 1 + random.nextInt(100));
                return null;
            });
            committed.add(id[0]);
        } catch (RuntimeException e) {
            failures.add(id[0] + ": " + e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
