package io.shardkit.samples;

import io.shardkit.cluster.PoolStats;
import io.shardkit.cluster.Shard;
import io.shardkit.cluster.ShardCluster;
import io.shardkit.cluster.config.ClusterConfig;
import io.shardkit.cluster.config.ShardsYaml;
import io.shardkit.migrate.FleetReport;
import io.shardkit.migrate.ShardMigrator;
import io.shardkit.router.RowIdGenerator;
import io.shardkit.router.RowIds;
import io.shardkit.router.ShardId;
import io.shardkit.samples.Orders.Order;
import io.shardkit.test.EmbeddedShards;
import io.shardkit.test.Engine;
import io.shardkit.test.ReplicatedPostgres;
import io.shardkit.test.TestDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * A small multi-tenant orders service on 4 embedded shards: it reads {@code shards.yml}, migrates every shard
 * with {@code ShardMigrator}, routes 1,000 customers' orders by customer id, reads some back by key and prints where
 * everything landed. H2 files by default; {@code --engine=postgres} runs it on embedded PostgreSQL with a streaming
 * replica per database, and tours replica reads and read-your-writes; then {@link GrowingTour} grows another cluster
 * by a database while it writes.
 */
public final class OrdersSample {
    static final int SHARDS = 4;
    static final String[] STATUSES = {"NEW", "PAID", "SHIPPED", "CANCELLED"};

    /** What the run did, for the caller (and the sample's own test) to check. */
    public record Report(int customers, int orders, Map<ShardId, Integer> rowsPerShard, Map<Long, ShardId> sampledCustomers) {
    }

    /**
     * Where the sample runs: a description, the {@code shards.yml} on the classpath, the variables it needs, and
     * the replica part of the tour.
     */
    record Setup(String where, String shardsYml, Map<String, String> env, ReplicaTour replicas) {
    }

    private OrdersSample() {
    }

    public static void main(String[] args) throws InterruptedException {
        String engine = "h2";
        Path data = Path.of("target", "sample-shards");
        for (String arg : args) {
            if (arg.startsWith("--engine=")) engine = arg.substring("--engine=".length());
            else if (arg.startsWith("--data=")) data = Path.of(arg.substring("--data=".length()));
            else usage("unknown argument '" + arg + "'");
        }
        switch (engine) {
            case "h2" -> run(new Setup("4 H2 file databases under " + relative(data), "/shards.yml", h2Files(data),
                    ReplicaTour.NONE), System.out);
            case "postgres" -> {
                try (ReplicatedPostgres pg = ReplicatedPostgres.start(SHARDS)) {
                    run(new Setup("4 embedded PostgreSQL databases, each with a streaming replica", "/shards-replicated.yml",
                            replicated(pg), ReplicaTour.on(pg)), System.out);
                }
                try (EmbeddedShards dbs = EmbeddedShards.start(Engine.POSTGRES, GrowingTour.DATABASES)) {
                    GrowingTour.run(dbs, System.out);
                }
                try (EmbeddedShards dbs = EmbeddedShards.start(Engine.POSTGRES, AtomicTour.DATABASES)) {
                    AtomicTour.run(dbs, 400, System.out);
                }
            }
            default -> usage("unknown engine '" + engine + "'");
        }
    }

    /** The folder as the user would type it from the directory they ran the command in. */
    private static Path relative(Path dir) {
        Path here = Path.of("").toAbsolutePath();
        Path absolute = dir.toAbsolutePath().normalize();
        return absolute.startsWith(here) ? here.relativize(absolute) : absolute;
    }

    private static void usage(String problem) {
        System.err.println("orders sample: " + problem);
        System.err.println("usage: OrdersSample [--engine=h2|postgres] [--data=DIR]   (DIR holds the H2 files; default target/sample-shards)");
        System.exit(2);
    }

    /** The variables {@code shards.yml} expects, for 4 fresh H2 file databases under {@code dir}. */
    static Map<String, String> h2Files(Path dir) {
        deleteRecursively(dir);
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < SHARDS; i++) {
            env.put("SHARD" + i + "_URL", "jdbc:h2:file:" + dir.toAbsolutePath().resolve("shard" + i));
        }
        env.put("SHARD_USER", "sa");
        env.put("SHARD_PASSWORD", "sample");
        return env;
    }

    /** The variables {@code shards-replicated.yml} expects, for the primaries and replicas of {@code pg}. */
    static Map<String, String> replicated(ReplicatedPostgres pg) {
        Map<String, String> env = new HashMap<>();
        List<TestDatabase> primaries = pg.primaries();
        for (int i = 0; i < primaries.size(); i++) {
            env.put("SHARD" + i + "_URL", primaries.get(i).jdbcUrl());
            env.put("SHARD" + i + "_REPLICA_URL", pg.replicas().get(i).jdbcUrl());
        }
        env.put("SHARD_USER", primaries.getFirst().username());
        env.put("SHARD_PASSWORD", primaries.getFirst().password());
        return env;
    }

    public static Report run(Setup setup, PrintStream out) {
        long started = System.nanoTime();
        ClusterConfig config = ShardsYaml.parse(resource(setup.shardsYml()), setup.env()::get);
        try (ShardCluster cluster = ShardCluster.create(config)) {
            out.println("Shardkit orders sample on " + setup.where());
            out.println(cluster);
            // The schema: db/migration on the classpath, through Flyway on every shard at once, scanned once.
            FleetReport schema = ShardMigrator.configure().cluster(cluster).locations("classpath:db/migration")
                    .concurrency(SHARDS).load().migrate().orThrow();
            out.println(schema.summaryLine());

            // Route every customer's orders to the customer's shard: one local transaction per customer, through
            // the repository bound to it. Order ids come from the generator and carry their shard's number.
            OrderRepository orders = cluster.repository(OrderRepository.class, JooqOrderRepository::new);
            RowIdGenerator ids = RowIdGenerator.builder().build();
            List<ShardId> shardNumbers = cluster.shards().stream().map(Shard::id).toList();
            SplittableRandom random = new SplittableRandom(42);
            int customers = 1_000;
            int placed = 0;
            LocalDateTime start = LocalDateTime.of(2026, 1, 1, 0, 0);
            for (long customer = 1; customer <= customers; customer++) {
                int shardNumber = shardNumbers.indexOf(cluster.shardFor(customer));
                List<Order> batch = new ArrayList<>();
                for (int n = 1 + random.nextInt(5); n > 0; n--) {
                    batch.add(new Order(ids.next(shardNumber), customer, STATUSES[random.nextInt(STATUSES.length)],
                            BigDecimal.valueOf(random.nextLong(100, 100_000), 2), start.plusMinutes(random.nextInt(500_000))));
                }
                cluster.inTransaction(customer, tx -> {
                    OrderRepository repo = tx.repository(OrderRepository.class);
                    batch.forEach(repo::save);
                    return null;
                });
                placed += batch.size();
            }
            out.printf("Routed %,d orders of %,d customers.%n%n", placed, customers);

            // Read some back by key: each read goes to exactly one shard; an id names its shard without a lookup.
            Map<Long, ShardId> sampled = new LinkedHashMap<>();
            out.println("Reads by customer id:");
            for (long customer : new long[] {7, 42, 500, 999}) {
                ShardId shard = cluster.shardFor(customer);
                List<Order> found = orders.ofCustomer(customer);
                sampled.put(customer, shard);
                out.printf("  customer %4d -> %s%s: %d order(s), %s in total; first id %d carries shard %s%n", customer, shard,
                        customer == 42 ? " (pinned)" : "", found.size(),
                        found.stream().map(Order::total).reduce(BigDecimal.ZERO, BigDecimal::add),
                        found.getFirst().id(), shardNumbers.get(RowIds.shardOf(found.getFirst().id())));
            }
            CrossShardReport.print(cluster, out);
            setup.replicas().show(cluster, ids, shardNumbers, out);

            out.println();
            out.println("shard  database  rows   pool (total/active/idle/waiting)");
            Map<ShardId, Integer> rows = new LinkedHashMap<>();
            for (Shard shard : cluster.shards()) {
                int n = shard.dsl().fetchCount(Orders.ORDERS);
                rows.put(shard.id(), n);
                PoolStats p = cluster.poolStats(shard.database());
                out.printf("%-6s %-9s %5d  %d/%d/%d/%d%n", shard.id(), shard.database(), n, p.total(), p.active(), p.idle(), p.waiting());
            }
            out.printf("total         %5d%n", rows.values().stream().mapToInt(Integer::intValue).sum());
            out.printf("%nDone in %d ms.%n", (System.nanoTime() - started) / 1_000_000);
            return new Report(customers, placed, rows, sampled);
        }
    }

    static String resource(String name) {
        try (InputStream in = OrdersSample.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear " + dir, e);
        }
    }
}
