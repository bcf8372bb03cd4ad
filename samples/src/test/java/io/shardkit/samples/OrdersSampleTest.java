package io.shardkit.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkit.cluster.config.ClusterConfig;
import io.shardkit.move.MoveReport;
import io.shardkit.router.ShardId;
import io.shardkit.test.EmbeddedShards;
import io.shardkit.test.Engine;
import io.shardkit.test.TestDatabase;
import io.shardkit.test.ReplicatedPostgres;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's "run it" command, as a test: the sample routes, reads back and reports what landed where. */
class OrdersSampleTest {

    @Test
    void theSampleRoutesEveryOrderToItsCustomersShard(@TempDir Path dir) throws Exception {
        Map<String, String> env = OrdersSample.h2Files(dir);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        OrdersSample.Report report = OrdersSample.run(new OrdersSample.Setup("a test", "/shards.yml", env, ReplicaTour.NONE),
                new PrintStream(printed, true, StandardCharsets.UTF_8));

        assertEquals(1000, report.customers());
        assertEquals(report.orders(), report.rowsPerShard().values().stream().mapToInt(Integer::intValue).sum());
        assertEquals(4, report.rowsPerShard().size());
        report.rowsPerShard().forEach((shard, rows) -> assertTrue(rows > 300, shard + " holds only " + rows + " rows"));
        assertEquals(ShardId.of("s3"), report.sampledCustomers().get(42L), "customer 42 is pinned to s3");

        // Open the H2 files directly: each sampled customer's rows are on its shard's file and on no other.
        for (var e : report.sampledCustomers().entrySet()) {
            for (int i = 0; i < 4; i++) {
                try (Connection c = DriverManager.getConnection(env.get("SHARD" + i + "_URL"), "sa", "sample");
                     ResultSet rs = c.createStatement().executeQuery("select count(*) from orders where customer_id = " + e.getKey())) {
                    rs.next();
                    boolean home = e.getValue().value().equals("s" + i);
                    assertEquals(home, rs.getInt(1) > 0, "customer " + e.getKey() + " on s" + i);
                }
            }
        }
        // The schema came through ShardMigrator: each shard's Flyway history holds V1 once, with the shard's own id.
        for (int i = 0; i < 4; i++) {
            try (Connection c = DriverManager.getConnection(env.get("SHARD" + i + "_URL"), "sa", "sample");
                 ResultSet rs = c.createStatement().executeQuery(
                         "select \"version\", \"success\" from \"flyway_schema_history\" where \"version\" is not null")) {
                assertTrue(rs.next(), "s" + i + " has a schema history");
                assertEquals("1", rs.getString(1));
                assertTrue(rs.getBoolean(2));
                assertFalse(rs.next(), "s" + i + ": V1 only, once");
            }
        }
        String output = printed.toString(StandardCharsets.UTF_8);
        assertTrue(output.contains("\nmigrate: 4 shards in "), output);
        assertTrue(output.contains(" — 4 ok; 4 migrations applied; fleet at V1\n"), output);
        assertTrue(output.contains("customer   42 -> s3 (pinned)"), output);
        assertTrue(output.contains("Routed " + String.format("%,d", report.orders()) + " orders"), output);
        assertTrue(output.contains("Top customers by total (one fan-out, groups merged across shards):\n  customer "), output);
        assertTrue(output.contains("Orders per status:\n  NEW "), output);
    }

    @Test
    void onReplicatedPostgresTheTourShowsAStaleReplicaAndReadYourWrites() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (ReplicatedPostgres pg = ReplicatedPostgres.start(OrdersSample.SHARDS)) {
            OrdersSample.Report report = OrdersSample.run(new OrdersSample.Setup("a test", "/shards-replicated.yml",
                    OrdersSample.replicated(pg), ReplicaTour.on(pg)), new PrintStream(printed, true, StandardCharsets.UTF_8));
            assertEquals(report.orders() + 1, report.rowsPerShard().values().stream().mapToInt(Integer::intValue).sum(),
                    "the tour's one extra order");
        }
        String output = printed.toString(StandardCharsets.UTF_8);
        int before = count(output, "@ReadOnly read from the replica:");
        assertEquals(before, count(output, "plain @ReadOnly read (stale replica):"), output);
        assertEquals(before + 1, count(output, "the writing session's read (read-your-writes):"), output);
        assertEquals(before + 1, count(output, "the next request reads the replica again:"), output);
        assertTrue(output.contains("its consistency token, for the next request:   s"), output);
    }

    /**
     * The growing chapter: 4 logical shards moved online onto a 5th database while two instances write; every move
     * verified clean, no write failed, and every acknowledged order is where the cluster routes it, once.
     */
    @Test
    void onPostgresTheClusterGrowsByADatabaseWhileWritesGoOn() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        GrowingTour.Report report;
        try (EmbeddedShards dbs = EmbeddedShards.start(Engine.POSTGRES, GrowingTour.DATABASES)) {
            report = GrowingTour.run(dbs, new PrintStream(printed, true, StandardCharsets.UTF_8));
            // Past the cluster, in the databases themselves: each moved shard's rows are in its schema on db4 only.
            for (String shard : GrowingTour.MOVING) {
                int n = Integer.parseInt(shard.substring(1));
                long moved = report.moves().stream().filter(m -> m.shard().equals(shard)).findFirst().orElseThrow().rows();
                assertEquals(0, ordersIn(dbs.database(1 + n / 4), shard), shard + " at its old place after finish");
                assertTrue(ordersIn(dbs.database(5), shard) >= moved, shard + " on db4");
            }
        }
        String output = printed.toString(StandardCharsets.UTF_8);
        assertEquals(GrowingTour.MOVING, report.moves().stream().map(MoveReport::shard).toList(), output);
        for (MoveReport move : report.moves()) {
            assertEquals(GrowingTour.NEW_DATABASE, move.to().database(), output);
            assertTrue(move.verify().clean(), move.shard() + ": " + move.verify());
            assertTrue(move.verify().rows() > 0 && move.rows() > 0, move.shard() + " moved no rows: " + move);
        }
        assertEquals(List.of(2L, 3L, 4L, 5L), report.moves().stream().map(MoveReport::version).toList(), "one version a move");
        assertEquals(List.of(), report.failedWrites(), output);
        assertTrue(report.check().exact(), report.check() + "\n" + output);
        assertEquals(report.acknowledged(), report.check().foundOnce());
        assertTrue(report.acknowledged() > GrowingTour.PRELOADED + 500, "the writers wrote during the moves: " + output);
        assertEquals(5, report.latest().version());
        Map<String, Long> shardsPerDatabase = report.latest().map().shards().stream()
                .collect(Collectors.groupingBy(ClusterConfig.ShardConfig::database, TreeMap::new, Collectors.counting()));
        assertEquals(Map.of("db0", 3L, "db1", 3L, "db2", 3L, "db3", 3L, "db4", 4L), shardsPerDatabase);
        assertEquals(0, report.before().get("db4")[1], "db4 held nothing before the moves");
        assertEquals(report.acknowledged(), report.after().values().stream().mapToInt(r -> r[1]).sum(), output);
        assertTrue(output.contains("\nmove s15 db3/s15 -> db4/s15  "), output);
        assertTrue(output.contains(", 0 failed, "), output);
    }

    private static long ordersIn(TestDatabase db, String schema) throws Exception {
        try (Connection c = db.open(); ResultSet rs = c.createStatement().executeQuery("select count(*) from " + schema + ".orders")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static int count(String output, String label) {
        int at = output.indexOf(label);
        assertTrue(at >= 0, "no line '" + label + "' in\n" + output);
        String rest = output.substring(at + label.length()).stripLeading();
        return Integer.parseInt(rest.substring(0, rest.indexOf(' ')));
    }

    @Test
    void onPostgresTransfersAcrossDatabasesAreAllOrNothing() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        AtomicTour.Report report;
        try (EmbeddedShards dbs = EmbeddedShards.start(Engine.POSTGRES, AtomicTour.DATABASES)) {
            report = AtomicTour.run(dbs, 200, new PrintStream(printed, true, StandardCharsets.UTF_8));
        }
        String output = printed.toString(StandardCharsets.UTF_8);
        assertEquals(200, report.committed() + report.refused(), output);
        assertTrue(report.committed() > 0 && report.refused() > 0, "some transfers overdraw, most do not: " + output);
        assertEquals(new java.math.BigDecimal("12000.00"), report.total(), "no money made or lost: " + output);
        assertEquals(2 * report.committed(), report.legs(), "both legs of every committed transfer, none of a refused one");
        assertEquals(List.of(), report.recovery().rolledBack(), output);
        assertEquals(List.of(), report.recovery().problems(), output);
        assertTrue(output.contains("sum of all balances: 12000.00"), output);
    }
}
