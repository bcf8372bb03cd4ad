package io.shardkit.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.table;

import io.shardkit.router.KeyHash;
import io.shardkit.router.ModuloStrategy;
import io.shardkit.router.ShardException;
import io.shardkit.router.ShardId;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.SQLDataType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ShardCluster on real H2 databases: routing, shard contexts, schemas, transactions, pools and topology swaps. */
class ShardClusterH2Test {
    private static final String SENTINEL = "S3cr3t-Sentinel-h2!";
    static final Table<Record> ORDERS = table(name("orders"));
    static final Field<Long> CUSTOMER = field(name("customer_id"), SQLDataType.BIGINT);
    static final Field<Long> ID = field(name("id"), SQLDataType.BIGINT);

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private ShardCluster cluster;

    @BeforeEach
    void start() {
        ShardClusterBuilder b = ShardCluster.builder();
        for (int i = 0; i < 4; i++) {
            b.database("db" + i, url(i), "sa", SENTINEL).shard("s" + i, "db" + i);
        }
        cluster = b.consistentHash(64).build();
        for (Shard s : cluster.shards()) {
            s.dsl().createTable(ORDERS).column(ID).column(CUSTOMER).execute();
        }
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    private String url(int i) {
        return "jdbc:h2:mem:clu_" + run + "_" + i + ";DB_CLOSE_DELAY=-1";
    }

    @Test
    void everyRowLandsOnTheShardTheRouterNamesAndNowhereElse() throws Exception {
        for (long customer = 0; customer < 1000; customer++) {
            cluster.dsl(customer).insertInto(ORDERS, ID, CUSTOMER).values(customer * 10, customer).execute();
        }
        Map<Long, String> found = new HashMap<>();
        for (int i = 0; i < 4; i++) {
            try (Connection c = DriverManager.getConnection(url(i), "sa", SENTINEL);
                 ResultSet rs = c.createStatement().executeQuery("select customer_id from orders")) {
                while (rs.next()) {
                    String previous = found.put(rs.getLong(1), "s" + i);
                    assertEquals(null, previous, "customer " + rs.getLong(1) + " stored twice");
                }
            }
        }
        assertEquals(1000, found.size());
        found.forEach((customer, shard) -> assertEquals(cluster.shardFor(customer).value(), shard, "customer " + customer));
        // the 4 shards all got some rows
        assertEquals(4, found.values().stream().distinct().count());
    }

    @Test
    void logicalShardsSharingADatabaseAreKeptApartBySchema() throws Exception {
        String url = "jdbc:h2:mem:schemas_" + run + ";DB_CLOSE_DELAY=-1";
        try (Connection c = DriverManager.getConnection(url, "sa", "")) {
            c.createStatement().execute("create schema tenant_a");
            c.createStatement().execute("create schema tenant_b");
            try (ShardCluster shared = ShardCluster.builder()
                    .database("one", url, "sa", "")
                    .shard("a", "one", "tenant_a").shard("b", "one", "tenant_b")
                    .modulo(KeyHash.MURMUR3).build()) {
                for (Shard s : shared.shards()) {
                    s.dsl().createTable(ORDERS).column(ID).column(CUSTOMER).execute();
                }
                for (long k = 0; k < 200; k++) {
                    shared.dsl(k).insertInto(ORDERS, ID, CUSTOMER).values(k, k).execute();
                }
                // one pool for the two logical shards
                assertEquals(1, shared.poolStats().size());
                assertSame(shared.shards().get(0).dataSource(), shared.shards().get(1).dataSource());
                for (String schema : List.of("tenant_a", "tenant_b")) {
                    ShardId owner = ShardId.of(schema.substring(7));
                    try (ResultSet rs = c.createStatement().executeQuery("select customer_id from " + schema + ".orders")) {
                        int n = 0;
                        while (rs.next()) {
                            assertEquals(owner, shared.shardFor(rs.getLong(1)));
                            n++;
                        }
                        assertTrue(n > 50, schema + " holds " + n + " rows");
                    }
                }
                assertEquals(200, shared.dsl(ShardId.of("a")).fetchCount(ORDERS) + shared.dsl(ShardId.of("b")).fetchCount(ORDERS));
            }
        }
    }

    @Test
    void inTransactionCommitsOrRollsBackOnOneShard() {
        long key = 7;
        cluster.inTransaction(key, dsl -> dsl.insertInto(ORDERS, ID, CUSTOMER).values(1L, key).execute());
        assertThrows(IllegalStateException.class, () -> cluster.inTransaction(key, dsl -> {
            dsl.insertInto(ORDERS, ID, CUSTOMER).values(2L, key).execute();
            throw new IllegalStateException("boom");
        }));
        assertEquals(List.of(1L), cluster.dsl(key).select(ID).from(ORDERS).fetch(ID));
        int total = cluster.inTransaction(key, dsl -> dsl.fetchCount(ORDERS));
        assertEquals(1, total);
    }

    @Test
    void aBadKeyFailsBeforeAnyQuery() {
        ShardException nullKey = assertThrows(ShardException.class, () -> cluster.dsl((Object) null));
        assertEquals(ShardException.Code.KEY, nullKey.code());
        ShardException wrongType = assertThrows(ShardException.class, () -> cluster.dsl(3.5f));
        assertTrue(wrongType.getMessage().contains("java.lang.Float"), wrongType.getMessage());
        assertThrows(ShardException.class, () -> cluster.inTransaction(null, dsl -> dsl.fetchCount(ORDERS)));
        // nothing was written by any of them
        assertEquals(0, cluster.shards().stream().mapToInt(s -> s.dsl().fetchCount(ORDERS)).sum());
    }

    @Test
    void poolStatsReportEveryDatabase() {
        cluster.dsl(1L).fetchCount(ORDERS);
        List<PoolStats> stats = cluster.poolStats();
        assertEquals(List.of("db0", "db1", "db2", "db3"), stats.stream().map(PoolStats::database).toList());
        for (PoolStats s : stats) {
            assertTrue(s.total() >= 1 && s.total() <= 10, s.toString());
            assertEquals(0, s.active(), s.toString());
            assertEquals(10, s.maximumPoolSize());
        }
        try (var ignored = cluster.shards().getFirst().dataSource().getConnection()) {
            assertEquals(1, cluster.poolStats("db0").active());
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
        ShardException unknown = assertThrows(ShardException.class, () -> cluster.poolStats("db9"));
        assertEquals("unknown database 'db9' — databases: [db0, db1, db2, db3]", unknown.getMessage());
    }

    @Test
    void reconfigureSwapsTheRouterAndKeepsUnchangedPools() {
        var before = cluster.shards().getFirst().dataSource();
        ShardClusterBuilder next = ShardCluster.builder();
        for (int i = 0; i < 4; i++) {
            next.database("db" + i, url(i), "sa", SENTINEL).shard("s" + i, "db" + i);
        }
        next.modulo(KeyHash.FNV1A32);
        cluster.reconfigure(next.toConfig());
        assertSame(before, cluster.shards().getFirst().dataSource(), "unchanged pools are kept");
        for (long k = 0; k < 100; k++) {
            assertEquals(new ModuloStrategy(KeyHash.FNV1A32, cluster.router().shards()).shardFor(k), cluster.shardFor(k));
        }
        // a bad new configuration changes nothing
        ShardClusterBuilder bad = ShardCluster.builder().database("db0", url(0), "sa", SENTINEL).shard("s0", "db9").jump();
        assertThrows(ShardException.class, () -> cluster.reconfigure(bad.toConfig()));
        assertEquals(4, cluster.shards().size());
    }

    @Test
    void aClosedClusterSaysSo() {
        cluster.close();
        ShardException e = assertThrows(ShardException.class, () -> cluster.dsl(1L));
        assertEquals(ShardException.Code.CLOSED, e.code());
    }

    @Test
    void startsFromShardsYamlWithEnvironmentSecrets(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("shards.yml");
        Files.writeString(yaml, """
                databases:
                  main: { url: "jdbc:h2:mem:yaml_%s;DB_CLOSE_DELAY=-1", username: sa, password: "${DB_PASSWORD}" }
                shards:
                  - { id: s0, database: main, schema: a }
                  - { id: s1, database: main, schema: b }
                keyType: string
                strategy: { type: consistent-hash, virtualNodes: 32 }
                pins: { "tenant-42": s1 }
                """.formatted(run));
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:yaml_" + run + ";DB_CLOSE_DELAY=-1", "sa", SENTINEL)) {
            c.createStatement().execute("create schema a; create schema b");
            try (ShardCluster fromYaml = ShardCluster.fromYaml(yaml, Map.of("DB_PASSWORD", SENTINEL)::get)) {
                assertEquals(ShardId.of("s1"), fromYaml.shardFor("tenant-42"));
                assertEquals(List.of("s0", "s1"), fromYaml.shards().stream().map(s -> s.id().value()).toList());
                ShardException longKey = assertThrows(ShardException.class, () -> fromYaml.shardFor(42L));
                assertTrue(longKey.getMessage().contains("this cluster's shard keys are string"), longKey.getMessage());
                assertFalse(fromYaml.toString().contains(SENTINEL));
            }
        }
    }

    @Test
    void passwordsNeverReachLogsExceptionsOrToString() {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        String message;
        try {
            ShardClusterBuilder b = ShardCluster.builder()
                    .database("db0", url(0) + ";PASSWORD_HASH=FALSE", "sa", "wrong-" + SENTINEL)
                    .shard("s0", "db0").jump();
            ShardException e = assertThrows(ShardException.class, b::build);
            message = e.getMessage();
            try (ShardCluster ok = ShardCluster.builder().database("db0", url(0), "sa", SENTINEL).shard("s0", "db0").jump().build()) {
                assertFalse(ok.toString().contains(SENTINEL));
                assertFalse(ok.shards().toString().contains(SENTINEL));
            }
        } finally {
            System.setErr(original);
        }
        assertTrue(message.startsWith("[database db0] cannot connect to jdbc:h2:mem:clu_"), message);
        assertFalse(message.contains(SENTINEL), message);
        assertFalse(captured.toString(StandardCharsets.UTF_8).contains(SENTINEL), "stderr leaked the password");
        assertNotSame("", captured.toString(StandardCharsets.UTF_8), "the log capture saw the cluster's start-up");
    }
}
