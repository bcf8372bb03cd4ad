package io.shardkit.bench.moves;

import io.shardkit.cluster.ShardCluster;
import io.shardkit.cluster.ShardClusterBuilder;
import io.shardkit.cluster.ShardKey;
import io.shardkit.cluster.config.ClusterConfig;
import io.shardkit.cluster.config.ClusterConfig.TopologyConfig;
import io.shardkit.move.MoveMode;
import io.shardkit.move.MoveReport;
import io.shardkit.move.ShardMover;
import io.shardkit.router.ShardId;
import io.shardkit.test.EmbeddedShards;
import io.shardkit.test.Engine;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.jooq.impl.DSL;

/**
 * The write pause at cutover under a steady 200 writes/s: a logical shard of {@code rows} rows moved back and forth
 * between two embedded PostgreSQL databases, {@code moves} times, while a paced writer inserts into every shard.
 * Reports each move's pause (fence closed → new version published), the latency of the writes that met it, and the
 * writes that failed. With {@code tenant}, one tenant of {@code rows} rows moves back and forth between shards s1 and s2
 * instead, and half the writes are the tenant's. Run: {@code java -cp benchmarks/target/benchmarks.jar
 * io.shardkit.bench.moves.CutoverPause [moves] [rows] [ONLINE|BLOCK_WRITES] [shard|tenant]}.
 */
public final class CutoverPause {
    interface Orders {
        void add(@ShardKey long customerId, long id);
    }

    private record Write(long startNanos, long micros, boolean ok, boolean onMovingShard) {
    }

    public static void main(String[] args) throws Exception {
        int moves = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int rows = args.length > 1 ? Integer.parseInt(args[1]) : 50_000;
        MoveMode mode = args.length > 2 ? MoveMode.valueOf(args[2]) : MoveMode.ONLINE;
        boolean tenantMoves = args.length > 3 && args[3].equals("tenant");
        List<String> names = List.of("control", "db0", "db1", "db2");
        try (EmbeddedShards dbs = EmbeddedShards.start(Engine.POSTGRES, names.size())) {
            for (int i = 1; i < names.size(); i++) {
                try (Connection c = dbs.database(i).open(); Statement s = c.createStatement()) {
                    s.execute("create table orders (id bigint not null, customer_id bigint not null, note varchar(40), primary key ("
                            + (tenantMoves ? "customer_id, id" : "id") + "))"); // a tenant's row filter needs its key in the primary key
                }
            }
            ShardClusterBuilder b = ShardCluster.builder();
            for (int i = 0; i < names.size(); i++) {
                b.database(names.get(i), dbs.database(i).jdbcUrl(), dbs.database(i).username(), dbs.database(i).password());
            }
            if (tenantMoves) b.shard("s2", "db2").keyType(io.shardkit.router.ShardKeyType.LONG);
            ClusterConfig config = b.shard("s0", "db0").shard("s1", "db1").jump()
                    .topology(new TopologyConfig("control", 100L, true, 5_000L, "app")).toConfig();
            try (ShardCluster app = ShardCluster.create(config)) {
                AtomicLong ids = new AtomicLong();
                long tenant = tenantMoves ? load(app, rows, ids, true) : load(app, rows, ids, false);
                Orders orders = app.repository(Orders.class, dsl -> (customer, id) -> dsl.insertInto(DSL.table("orders"))
                        .columns(DSL.field("id"), DSL.field("customer_id"), DSL.field("note"))
                        .values(id, customer, "steady").execute());
                ConcurrentLinkedQueue<Write> writes = new ConcurrentLinkedQueue<>();
                AtomicBoolean stop = new AtomicBoolean();
                Thread pacer = Thread.ofPlatform().name("pacer").start(() -> pace(app, orders, ids, writes, stop,
                        tenantMoves ? tenant : -1));
                List<long[]> windows = new ArrayList<>(); // [closed, published] nanos, per move
                List<MoveReport> reports = new ArrayList<>();
                List<String> refused = new ArrayList<>();
                try (ShardMover mover = ShardMover.configure(config.withShardMap(config.shardMap())).load()) {
                    Thread.sleep(2_000);
                    String at = tenantMoves ? "s1" : "db1";
                    for (int m = 0; m < moves; m++) {
                        String to = tenantMoves ? (at.equals("s1") ? "s2" : "s1") : at.equals("db1") ? "db2" : "db1";
                        long before = System.nanoTime();
                        MoveReport r;
                        try {
                            r = tenantMoves ? mover.moveTenant(tenant, "customer_id", to, mode) : mover.moveShard("s1", to, null, mode);
                        } catch (io.shardkit.move.MoveRefusedException e) {
                            refused.add(e.getMessage()); // undone: the shard stays, the next attempt tries again
                            System.err.println("move " + (m + 1) + " refused: " + e.getMessage());
                            continue;
                        }
                        long after = System.nanoTime();
                        windows.add(new long[] {after - r.pause().toNanos(), after});
                        reports.add(r);
                        mover.finish(r.job());
                        System.err.printf(Locale.ROOT, "move %d: %s %s -> %s, %d rows, pause %d ms, whole move %d ms%n", m + 1,
                                tenantMoves ? "tenant " + tenant : "s1", r.from(), r.to(), r.rows(), r.pause().toMillis(), (after - before) / 1_000_000);
                        at = to;
                        Thread.sleep(1_000);
                    }
                } finally {
                    stop.set(true);
                    pacer.join();
                }
                report(mode + (tenantMoves ? ", one tenant" : ""), rows, reports, windows, new ArrayList<>(writes));
                System.out.printf(Locale.ROOT, "moves refused (and undone): %d %s%n", refused.size(), refused);
            }
        }
    }

    /** {@code rows} rows on s1, each of another customer or (one tenant) all of one; returns the last customer. */
    private static long load(ShardCluster app, int rows, AtomicLong ids, boolean oneTenant) {
        long customer = nextOnS1(app, 0);
        List<Object[]> batch = new ArrayList<>();
        while (batch.size() < rows) {
            batch.add(new Object[] {ids.incrementAndGet(), customer, "loaded"});
            if (!oneTenant && batch.size() < rows) customer = nextOnS1(app, customer + 1);
        }
        var dsl = app.dsl(ShardId.of("s1"));
        List<org.jooq.Field<?>> columns = List.of(DSL.field("id"), DSL.field("customer_id"), DSL.field("note"));
        for (int from = 0; from < batch.size(); from += 1_000) {
            var values = dsl.insertInto(DSL.table("orders"), columns).values(batch.get(from));
            for (int i = from + 1; i < Math.min(batch.size(), from + 1_000); i++) values = values.values(batch.get(i));
            values.execute();
        }
        return customer;
    }

    private static long nextOnS1(ShardCluster app, long from) {
        long customer = from;
        while (!app.shardFor(customer).equals(ShardId.of("s1"))) customer++;
        return customer;
    }

    /** 200 writes a second, one every 5 ms, each on a virtual thread so a paused write does not delay the next. */
    /** With a {@code tenant} (not -1), every other write is the tenant's, and only those meet its moves. */
    private static void pace(ShardCluster app, Orders orders, AtomicLong ids, ConcurrentLinkedQueue<Write> out,
                             AtomicBoolean stop, long tenant) {
        long next = System.nanoTime();
        while (!stop.get()) {
            next += 5_000_000L;
            LockSupport.parkNanos(next - System.nanoTime());
            Thread.ofVirtual().start(() -> {
                long customer = tenant >= 0 && ThreadLocalRandom.current().nextBoolean() ? tenant
                        : ThreadLocalRandom.current().nextLong(1_000_000);
                boolean moving = tenant >= 0 ? customer == tenant : app.shardFor(customer).equals(ShardId.of("s1"));
                long start = System.nanoTime();
                boolean ok = true;
                try {
                    orders.add(customer, ids.incrementAndGet());
                } catch (RuntimeException e) {
                    ok = false;
                }
                out.add(new Write(start, (System.nanoTime() - start) / 1_000, ok, moving));
            });
        }
    }

    private static void report(String mode, int rows, List<MoveReport> reports, List<long[]> windows, List<Write> writes) {
        List<Long> pauses = reports.stream().map(r -> r.pause().toMillis()).sorted().toList();
        List<Long> met = new ArrayList<>();
        for (Write w : writes) {
            if (!w.onMovingShard()) continue;
            for (long[] window : windows) {
                if (w.startNanos() <= window[1] && w.startNanos() + w.micros() * 1_000 >= window[0]) met.add(w.micros() / 1_000);
            }
        }
        met.sort(null);
        long origin = writes.stream().mapToLong(Write::startNanos).min().orElse(0);
        for (long[] w : windows) {
            System.out.printf(Locale.ROOT, "move window: fence closed %d ms, published %d ms%n", (w[0] - origin) / 1_000_000,
                    (w[1] - origin) / 1_000_000);
        }
        writes.stream().filter(w -> w.onMovingShard() && w.micros() > 1_000_000).sorted(java.util.Comparator.comparingLong(Write::startNanos))
                .limit(12).forEach(w -> System.out.printf(Locale.ROOT, "slow write: %d ms to %d ms%n",
                        (w.startNanos() - origin) / 1_000_000, (w.startNanos() + w.micros() * 1_000 - origin) / 1_000_000));
        long failed = writes.stream().filter(w -> !w.ok()).count();
        long seconds = writes.isEmpty() ? 1 : Math.max(1, (writes.stream().mapToLong(Write::startNanos).max().getAsLong()
                - writes.stream().mapToLong(Write::startNanos).min().getAsLong()) / 1_000_000_000L);
        System.out.printf(Locale.ROOT, "%nCutover pause, %s, shard of %,d rows, %d moves, %,d writes (%.0f/s), %d failed%n",
                mode, rows, reports.size(), writes.size(), writes.size() / (double) seconds, failed);
        System.out.printf(Locale.ROOT, "pause per move (fence closed -> published), ms: p50 %d, p99 %d, max %d; all: %s%n",
                pct(pauses, 50), pct(pauses, 99), pauses.getLast(), pauses);
        System.out.printf(Locale.ROOT, "latency of the %d writes to the moving shard that met a pause, ms: p50 %d, p99 %d, max %d%n",
                met.size(), met.isEmpty() ? 0 : pct(met, 50), met.isEmpty() ? 0 : pct(met, 99), met.isEmpty() ? 0 : met.getLast());
        double rowsPerHour = reports.stream().mapToDouble(r -> r.verify().rows() * 3_600_000.0
                / Math.max(1, r.verifyTime().toMillis())).sorted().toArray()[reports.size() / 2];
        System.out.printf(Locale.ROOT, "verify: %,d rows compared per move, every move clean: %b, median %.1f M rows/hour%n",
                reports.getFirst().verify().rows(), reports.stream().allMatch(r -> r.verify().clean()), rowsPerHour / 1e6);
    }

    private static long pct(List<Long> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }
}
