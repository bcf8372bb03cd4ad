package io.shardkit.samples;

import io.shardkit.cluster.Shard;
import io.shardkit.cluster.ShardCluster;
import io.shardkit.cluster.ShardClusterBuilder;
import io.shardkit.cluster.config.ClusterConfig;
import io.shardkit.cluster.config.ShardsYaml;
import io.shardkit.cluster.topology.TopologyVersion;
import io.shardkit.migrate.ShardMigrator;
import io.shardkit.move.MoveRefusedException;
import io.shardkit.move.MoveReport;
import io.shardkit.move.ShardMover;
import io.shardkit.router.ShardId;
import io.shardkit.test.EmbeddedShards;
import io.shardkit.test.TestDatabase;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The sample's last chapter, on embedded PostgreSQL: a cluster of 16 logical shards (each in its own schema) on 4
 * databases grows by a 5th while two instances of the service write about 200 orders a second. The new database is
 * declared in every instance's {@code shards-growing.yml} first; its schemas are migrated; then 4 logical shards move
 * onto it one after another, online, and the instances follow the shared topology. At the end every acknowledged
 * order is looked for where the cluster routes it now.
 */
final class GrowingTour {
    /** The control database (the topology store) and db0..db4. */
    static final int DATABASES = 6;
    static final String NEW_DATABASE = "db4";
    /** One logical shard from each old database, so that each keeps 3 and db4 gets 4. */
    static final List<String> MOVING = List.of("s3", "s7", "s11", "s15");
    static final int CUSTOMERS = 5_000;
    static final int PRELOADED = 20_000;

    /** What the chapter did, for its test to check. */
    record Report(List<MoveReport> moves, List<Boolean> fencesRemoved, int acknowledged, List<String> failedWrites,
                  SteadyWriters.Check check, TopologyVersion latest, Map<String, int[]> before, Map<String, int[]> after) {
    }

    private GrowingTour() {
    }

    /** The variables {@code shards-growing.yml} expects, for {@code dbs} (control, db0..db4) and one instance. */
    static Map<String, String> env(EmbeddedShards dbs, String instance) {
        Map<String, String> env = new HashMap<>();
        List<TestDatabase> all = dbs.databases();
        env.put("CONTROL_URL", all.getFirst().jdbcUrl());
        for (int i = 1; i < all.size(); i++) env.put("DB" + (i - 1) + "_URL", all.get(i).jdbcUrl());
        env.put("PG_USER", all.getFirst().username());
        env.put("PG_PASSWORD", all.getFirst().password());
        env.put("INSTANCE", instance);
        return env;
    }

    static Report run(EmbeddedShards dbs, PrintStream out) throws InterruptedException {
        long started = System.nanoTime();
        String yaml = OrdersSample.resource("/shards-growing.yml");
        ClusterConfig app1 = ShardsYaml.parse(yaml, env(dbs, "app-1")::get);
        ClusterConfig app2 = ShardsYaml.parse(yaml, env(dbs, "app-2")::get);
        out.printf("%nGrowing the cluster: a 5th database, and 4 logical shards moved onto it while the service writes%n");
        out.printf("%s, the new database, is declared in both instances' shards.yml before any shard moves onto it (hence%n"
                + "  the warning that no shard uses it yet): the store shares the shard map with every instance, never a URL%n",
                NEW_DATABASE);
        try (ShardCluster one = ShardCluster.create(app1); ShardCluster two = ShardCluster.create(app2)) {
            out.println(one + ", topology version " + one.topologyVersion() + " shared by app-1 and app-2");
            out.println(ShardMigrator.configure().cluster(one).locations("classpath:db/migration").concurrency(4).load()
                    .migrate().orThrow().summaryLine());
            List<ShardId> shardNumbers = one.shards().stream().map(Shard::id).toList();
            SteadyWriters writers = new SteadyWriters(shardNumbers, CUSTOMERS);
            writers.preload(one, PRELOADED);
            writers.start(List.of(one, two), 2, 50);
            out.printf("%,d orders of %,d customers loaded; from now on 4 writers on the 2 instances save ~200 orders/s%n",
                    PRELOADED, CUSTOMERS);
            Thread.sleep(1_000);
            out.println(NEW_DATABASE + "'s schemas for " + String.join(", ", MOVING) + ", migrated before the moves: "
                    + migrateNewPlaces(app1).replace("migrate: ", ""));
            Map<String, int[]> before = rowsPerDatabase(one);

            List<MoveReport> moves = new ArrayList<>();
            List<Boolean> fencesRemoved = new ArrayList<>();
            TopologyVersion latest;
            try (ShardMover mover = ShardMover.configure(app1).load()) {
                for (String shard : MOVING) {
                    try {
                        MoveReport r = mover.moveShard(shard, NEW_DATABASE, shard); // online: PostgreSQL, wal_level logical
                        moves.add(r);
                        out.printf("move %-3s %7s -> %-7s %,6d rows copied, verify %,d rows, %d mismatches, writes paused"
                                        + " %3d ms, version %d%n", shard, r.from(), r.to(), r.rows(), r.verify().rows(),
                                r.verify().mismatches().size(), r.pause().toMillis(), r.version());
                    } catch (MoveRefusedException e) { // undone: the shard stays where it was, and keeps taking writes
                        out.printf("move %-3s refused: %s%n", shard, e.getMessage());
                    }
                    Thread.sleep(300);
                }
                Thread.sleep(700); // writes go on at the new places
                for (MoveReport r : moves) fencesRemoved.add(mover.finish(r.job()));
                latest = mover.store().latest().orElseThrow();
            } finally {
                writers.stop();
            }
            out.printf("finished: the moved shards' rows deleted at their old places; fences removed: %d of %d%n",
                    fencesRemoved.stream().filter(b -> b).count(), fencesRemoved.size());

            one.refreshTopology();
            two.refreshTopology();
            Map<String, int[]> after = rowsPerDatabase(one);
            printTable(before, after, out);
            List<String> failed = writers.failures();
            out.printf("writes: %,d acknowledged (%.0f/s), %d failed, slowest %d ms; app-1 and app-2 on"
                            + " version %d and %d%n", writers.acknowledgedCount() - PRELOADED, writers.writesPerSecond(PRELOADED),
                    failed.size(), writers.slowestMillis(), one.topologyVersion(), two.topologyVersion());
            failed.stream().limit(5).forEach(f -> out.println("  failed: " + f));
            SteadyWriters.Check check = writers.check(one);
            out.printf("check: %,d of %,d orders (loaded, and acknowledged to the writers) found exactly once, on the shard%n"
                            + "  the cluster routes their customer to now (%d missing, %d twice, %d elsewhere, %d never acknowledged)%n",
                    check.foundOnce(), check.acknowledged(), check.missing(), check.duplicated(), check.misplaced(),
                    check.unacknowledged());
            out.printf("Growing done in %d ms.%n", (System.nanoTime() - started) / 1_000_000);
            return new Report(moves, fencesRemoved, writers.acknowledgedCount(), failed, check, latest, before, after);
        }
    }

    /**
     * The moving shards' schemas on the new database, migrated like any shard: ShardMigrator on a cluster of just
     * those places (a static one, outside the shared topology, which does not place them there yet).
     */
    private static String migrateNewPlaces(ClusterConfig config) {
        ShardClusterBuilder places = ShardCluster.builder().database(NEW_DATABASE, config.databases().get(NEW_DATABASE));
        MOVING.forEach(shard -> places.shard(shard, NEW_DATABASE, shard));
        try (ShardCluster newPlaces = places.jump().build()) {
            return ShardMigrator.configure().cluster(newPlaces).locations("classpath:db/migration").load().migrate()
                    .orThrow().summaryLine();
        }
    }

    /** Per database the cluster uses now: {logical shards, rows}. */
    private static Map<String, int[]> rowsPerDatabase(ShardCluster cluster) {
        Map<String, int[]> rows = new TreeMap<>();
        for (int i = 0; i <= 4; i++) rows.put("db" + i, new int[2]);
        for (Shard shard : cluster.shards()) {
            int[] r = rows.get(shard.database());
            r[0]++;
            r[1] += cluster.dsl(shard.id()).fetchCount(Orders.ORDERS);
        }
        return rows;
    }

    private static void printTable(Map<String, int[]> before, Map<String, int[]> after, PrintStream out) {
        out.println("database  before: shards    rows   after: shards    rows");
        before.forEach((db, b) -> out.printf("%-9s %14d %7s %14d %7s%n", db, b[0], String.format("%,d", b[1]),
                after.get(db)[0], String.format("%,d", after.get(db)[1])));
    }
}
