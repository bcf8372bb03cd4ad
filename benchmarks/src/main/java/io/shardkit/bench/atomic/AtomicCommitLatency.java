package io.shardkit.bench.atomic;

import io.shardkit.cluster.ShardCluster;
import io.shardkit.cluster.ShardClusterBuilder;
import io.shardkit.cluster.atomic.DecisionTable;
import io.shardkit.router.ShardKeyType;
import io.shardkit.test.EmbeddedShards;
import io.shardkit.test.Engine;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Locale;

/**
 * Commit latency of the same work — two single-row updates — three ways, interleaved in one run so the machine's
 * state is the same for each: a local transaction on one shard ({@code inTransaction}), an atomic transaction on one
 * database (a plain local transaction underneath), and an atomic transaction across two databases (two-phase commit).
 * Two embedded PostgreSQL databases of one server. Run: {@code java -cp benchmarks/target/benchmarks.jar
 * io.shardkit.bench.atomic.AtomicCommitLatency [rounds] [warm-up rounds]}.
 */
public final class AtomicCommitLatency {
    private static final long A = 0, B = 1; // pinned: A on s0 (db0), B on s1 (db1)

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5_000;
        int warmUp = args.length > 1 ? Integer.parseInt(args[1]) : 2_000;
        try (EmbeddedShards dbs = EmbeddedShards.start(Engine.POSTGRES, 2)) {
            ShardClusterBuilder b = ShardCluster.builder().name("atomic_bench");
            for (int i = 0; i < 2; i++) {
                b.database("db" + i, dbs.database(i).jdbcUrl(), dbs.database(i).username(), dbs.database(i).password())
                        .shard("s" + i, "db" + i);
                try (Connection c = dbs.database(i).open(); Statement s = c.createStatement()) {
                    s.execute("create table account (id bigint primary key, balance bigint not null)");
                    s.execute("insert into account values (0, 0), (1, 0), (2, 0)");
                    s.execute(DecisionTable.createStatement());
                }
            }
            try (ShardCluster cluster = b.jump().keyType(ShardKeyType.LONG).pin(A, "s0").pin(B, "s1").pin(2L, "s0").build()) {
                cluster.atomic().check();
                io.shardkit.cluster.atomic.AtomicSettings bounded = cluster.atomic().settings();
                io.shardkit.cluster.atomic.AtomicSettings unbounded = bounded.withLockTimeout(java.time.Duration.ZERO);
                long[][] nanos = new long[4][rounds];
                for (int r = -warmUp; r < rounds; r++) {
                    for (int variant = 0; variant < 4; variant++) {
                        int v = (variant + Math.floorMod(r, 4)) % 4; // rotate the order, so none always runs first
                        cluster.atomic().settings(v == 3 ? unbounded : bounded);
                        long start = System.nanoTime();
                        switch (v) {
                            case 0 -> cluster.inTransaction(A, tx -> {
                                tx.execute("update account set balance = balance - 1 where id = 0");
                                return tx.execute("update account set balance = balance + 1 where id = 2");
                            });
                            case 1 -> cluster.inAtomicTransaction(tx -> {
                                tx.on(A).execute("update account set balance = balance - 1 where id = 0");
                                return tx.on(2L).execute("update account set balance = balance + 1 where id = 2");
                            });
                            default -> cluster.inAtomicTransaction(tx -> {
                                tx.on(A).execute("update account set balance = balance - 1 where id = 0");
                                return tx.on(B).execute("update account set balance = balance + 1 where id = 1");
                            });
                        }
                        if (r >= 0) nanos[v][r] = System.nanoTime() - start;
                    }
                }
                String[] names = {"inTransaction, one shard", "atomic, one database", "atomic, two databases (2PC)",
                        "2PC, lockTimeout 0"};
                double localP50 = percentile(nanos[0], 50);
                System.out.printf(Locale.ROOT, "%d rounds after %d warm-up rounds, each variant once per round%n", rounds, warmUp);
                System.out.printf(Locale.ROOT, "%-30s %9s %9s %9s %9s%n", "variant", "p50 µs", "p90 µs", "p99 µs", "p50 ratio");
                for (int v = 0; v < 4; v++) {
                    System.out.printf(Locale.ROOT, "%-30s %9.1f %9.1f %9.1f %9.2f%n", names[v], percentile(nanos[v], 50) / 1e3,
                            percentile(nanos[v], 90) / 1e3, percentile(nanos[v], 99) / 1e3, percentile(nanos[v], 50) / localP50);
                }
            }
        }
    }

    private static double percentile(long[] values, int p) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }
}
