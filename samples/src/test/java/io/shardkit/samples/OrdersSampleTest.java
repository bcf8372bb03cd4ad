package io.shardkit.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkit.router.ShardId;
import io.shardkit.test.ReplicatedPostgres;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.Map;
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

    private static int count(String output, String label) {
        int at = output.indexOf(label);
        assertTrue(at >= 0, "no line '" + label + "' in\n" + output);
        String rest = output.substring(at + label.length()).stripLeading();
        return Integer.parseInt(rest.substring(0, rest.indexOf(' ')));
    }
}
