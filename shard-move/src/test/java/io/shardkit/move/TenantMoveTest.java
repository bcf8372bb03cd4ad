package io.shardkit.move;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkit.cluster.ShardCluster;
import io.shardkit.cluster.ShardClusterBuilder;
import io.shardkit.cluster.ShardKey;
import io.shardkit.cluster.ShardMovedException;
import io.shardkit.cluster.config.ClusterConfig;
import io.shardkit.cluster.config.ClusterConfig.DatabaseConfig;
import io.shardkit.cluster.config.ClusterConfig.PoolConfig;
import io.shardkit.cluster.config.ClusterConfig.TopologyConfig;
import io.shardkit.router.ShardId;
import io.shardkit.router.ShardKeyType;
import io.shardkit.test.EmbeddedShards;
import io.shardkit.test.Engine;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * One tenant moved to a shard of its own while three instances (one stale) write for it and for the other tenants
 * of its shard: the tenant's acknowledged writes are all at its new shard exactly once, none landed at the source
 * after the fence closed, the other tenants never paused, and only the tenant's rows left the source.
 */
class TenantMoveTest {
    interface Orders {
        void add(@ShardKey long customerId, long id);
    }

    private static final List<String> NAMES = List.of("control", "db0", "db1", "db2");
    private final List<ShardCluster> clusters = new ArrayList<>();
    private EmbeddedShards dbs;

    @AfterEach
    void close() {
        clusters.forEach(ShardCluster::close);
        if (dbs != null) dbs.close();
    }

    private ClusterConfig config(String instance, boolean refresh) {
        ShardClusterBuilder b = ShardCluster.builder();
        PoolConfig pool = new PoolConfig(8, 1, 5_000L, null, null, 15_000L);
        for (int i = 0; i < NAMES.size(); i++) {
            var db = dbs.database(i);
            b.database(NAMES.get(i), new DatabaseConfig(db.jdbcUrl(), db.username(), db.password(), null, pool));
        }
        return b.shard("s0", "db0").shard("s1", "db1").shard("s2", "db2").jump().keyType(ShardKeyType.LONG).topology(new TopologyConfig("control", 50L, refresh, 5_000L, instance)).toConfig();
    }

    private ShardCluster instance(String name, boolean refresh) {
        ShardCluster c = ShardCluster.create(config(name, refresh));
        clusters.add(c);
        return c;
    }

    private Connection open(String name) throws SQLException {
        return dbs.database(NAMES.indexOf(name)).open();
    }

    private void createOrders(String primaryKey) throws SQLException {
        for (String db : List.of("db0", "db1", "db2")) {
            try (Connection c = open(db); Statement s = c.createStatement()) {
                s.execute("create table orders (id bigint not null, customer_id bigint not null, note varchar(20),"
                        + " primary key (" + primaryKey + "))");
            }
        }
    }

    /** id → customer of every row on {@code db}, failing on an id seen twice. */
    private Map<Long, Long> rows(String db) throws SQLException {
        Map<Long, Long> rows = new HashMap<>();
        try (Connection c = open(db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select id, customer_id from orders")) {
            while (rs.next()) assertEquals(null, rows.put(rs.getLong(1), rs.getLong(2)), "id " + rs.getLong(1) + " twice on " + db);
        }
        return rows;
    }

    private static Orders orders(ShardCluster c) {
        return c.repository(Orders.class, dsl -> (customer, id) -> dsl.insertInto(DSL.table("orders"))
                .columns(DSL.field("id"), DSL.field("customer_id"), DSL.field("note")).values(id, customer, "n" + id).execute());
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"H2, BLOCK_WRITES", "MARIADB, BLOCK_WRITES", "POSTGRES, ONLINE"})
    void aTenantMovesToItsOwnShardUnderWritesFromThreeInstancesOneOfThemStale(Engine engine, MoveMode mode)
            throws Exception {
        dbs = EmbeddedShards.start(engine, NAMES.size());
        createOrders("customer_id, id");
        List<ShardCluster> writers = List.of(instance("a", true), instance("b", true), instance("stale", false));
        long tenant = customerOn(writers.getFirst(), "s1");
        long neighbour = customerOn(writers.getFirst(), "s1", tenant + 1);
        // the others write to s0 and s1 only, so that the pod (s2) holds nothing but the tenant
        List<Long> others = new ArrayList<>();
        for (long k = neighbour + 1; others.size() < 500; k++) if (!writers.getFirst().shardFor(k).equals(ShardId.of("s2"))) others.add(k);
        AtomicLong ids = new AtomicLong();
        Map<Long, Long> acknowledged = new ConcurrentHashMap<>();
        AtomicLong refusedOnStale = new AtomicLong();
        AtomicLong otherFailures = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        for (ShardCluster c : writers) {
            Orders orders = orders(c);
            for (int w = 0; w < 4; w++) {
                threads.add(Thread.ofVirtual().start(() -> {
                    while (!stop.get()) {
                        long id = ids.incrementAndGet();
                        int pick = ThreadLocalRandom.current().nextInt(3);
                        long customer = pick == 0 ? tenant : pick == 1 ? neighbour
                                : others.get(ThreadLocalRandom.current().nextInt(others.size()));
                        try {
                            orders.add(customer, id);
                            acknowledged.put(id, customer);
                        } catch (ShardMovedException e) {
                            if (c.topologyVersion() == 1 && customer == tenant && !e.newVersionRunning()) refusedOnStale.incrementAndGet();
                            else if (otherFailures.incrementAndGet() < 5) e.printStackTrace();
                        } catch (RuntimeException e) {
                            if (otherFailures.incrementAndGet() < 5) e.printStackTrace();
                        }
                    }
                }));
            }
        }
        Thread.sleep(500);
        try (ShardMover mover = ShardMover.configure(config("mover", true)).batchSize(100).load()) {
            MoveReport report;
            try {
                report = mover.moveTenant(tenant, "customer_id", "s2", mode);
                Thread.sleep(700);
            } finally {
                stop.set(true);
                for (Thread t : threads) t.join();
            }
            assertTrue(report.verify().clean(), report.verify().toString());
            assertEquals(2, report.version());
            assertEquals(ShardId.of("s2"), writers.get(0).shardFor(tenant));
            assertEquals(ShardId.of("s2"), writers.get(1).shardFor(tenant));
            assertEquals(ShardId.of("s1"), writers.get(0).shardFor(neighbour));
            MoveJob job = mover.job(report.job());
            assertEquals(String.valueOf(tenant), job.tenant());
            assertEquals("s2", job.toShard());
            if (engine == Engine.POSTGRES) {
                assertEquals(0, count("db1", "select count(*) from pg_replication_slots"), "no slot left behind");
                assertEquals(0, count("db1", "select count(*) from pg_publication"), "no publication left behind");
                assertEquals(0, count("db2", "select count(*) from pg_subscription"), "no subscription left behind");
            }

            Map<Long, Long> source = rows("db1");
            Map<Long, Long> pod = rows("db2");
            long tenantAtSource = source.values().stream().filter(c -> c == tenant).count();
            assertEquals(report.rows(), tenantAtSource, "the tenant's rows landed on the source after the fence closed");
            assertTrue(pod.values().stream().allMatch(c -> c == tenant), "only the tenant moved");
            source.forEach((id, c) -> {
                if (c == tenant) assertEquals(tenant, pod.get(id), "the pod has every row the source had of the tenant");
            });
            assertTrue(pod.size() > tenantAtSource, "the tenant's writes went on at its new shard");
            assertEquals(0, otherFailures.get(), "only the stale instance's writes for the moved tenant fail");
            assertTrue(refusedOnStale.get() > 0, "the stale instance wrote for the tenant after the move and was refused");

            assertFalse(mover.finish(report.job()), "the stale instance still runs version 1: the fence stays");
            Map<Long, Long> all = new HashMap<>(rows("db0"));
            for (String db : List.of("db1", "db2")) {
                rows(db).forEach((id, c) -> assertEquals(null, all.put(id, c), "id " + id + " on two shards"));
            }
            assertEquals(acknowledged, all, "the data is exactly the acknowledged writes, each once");
            assertTrue(rows("db1").containsValue(neighbour), "the neighbour's rows stay");
            assertThrows(ShardMovedException.class, () -> orders(writers.get(2)).add(tenant, -5));
            orders(writers.get(2)).add(neighbour, -6); // the stale instance still writes for the others
        }
    }

    @Test
    void anOnlineTenantMoveNeedsTheKeyColumnInTheReplicaIdentity() throws Exception {
        dbs = EmbeddedShards.start(Engine.POSTGRES, NAMES.size());
        createOrders("id");
        ShardCluster a = instance("a", true);
        long tenant = customerOn(a, "s1");
        try (ShardMover mover = ShardMover.configure(config("mover", true)).load()) {
            MoveRefusedException e = assertThrows(MoveRefusedException.class, () -> mover.moveTenant(tenant, "customer_id", "s2"));
            assertTrue(e.getMessage().contains("table orders: customer_id is not in its replica identity (its primary key [id])"),
                    e.getMessage());
            try (Connection c = open("db1"); Statement s = c.createStatement()) {
                s.execute("alter table orders replica identity full");
            }
            orders(a).add(tenant, 1);
            MoveReport r = mover.moveTenant(tenant, "customer_id", "s2");
            assertEquals(1, r.rows());
            assertTrue(mover.finish(r.job()), "every instance runs the new version: the fence goes");
            assertEquals(Map.of(1L, tenant), rows("db2"));
            assertEquals(Map.of(), rows("db1"));
        }
    }

    @Test
    void aTenantMoveIsRefusedByNameBeforeAnythingChanges() throws Exception {
        dbs = EmbeddedShards.start(Engine.H2, NAMES.size());
        createOrders("customer_id, id");
        ShardCluster a = instance("a", true);
        long tenant = customerOn(a, "s1");
        try (ShardMover mover = ShardMover.configure(config("mover", true)).load()) {
            assertRefused(mover, tenant, "s9", "no logical shard 's9'");
            assertRefused(mover, tenant, "s1", "tenant " + tenant + " is already on s1");
            orders(a).add(tenant, 1);
            try (Connection c = open("db2"); Statement s = c.createStatement()) {
                s.execute("insert into orders values (2, " + tenant + ", 'x')");
            }
            assertRefused(mover, tenant, "s2", "table ORDERS on db2 already holds rows of tenant " + tenant);
            try (Connection c = open("db1"); Statement s = c.createStatement()) {
                s.execute("create table lines (id bigint primary key, order_id bigint)");
            }
            assertRefused(mover, tenant, "s2", "table LINES of s1 has no column customer_id");
            assertEquals(1, mover.store().latestNumber(), "nothing was published");
            assertEquals(List.of(), mover.jobs(), "no job was made");
        }
    }

    @Test
    void aCancelledTenantMoveLeavesTheSourceAsItWasAndThePodWithoutTheTenant() throws Exception {
        dbs = EmbeddedShards.start(Engine.H2, NAMES.size());
        createOrders("customer_id, id");
        ShardCluster a = instance("a", true);
        long tenant = customerOn(a, "s1");
        Orders orders = orders(a);
        for (long id = 1; id <= 20; id++) orders.add(tenant, id);
        try (Connection c = open("db2"); Statement s = c.createStatement()) {
            s.execute("insert into orders values (100, -1, 'pinned elsewhere')");
        }
        long job;
        try (ShardMover dying = ShardMover.configure(config("m1", true)).owner("m1").lease(Duration.ofMillis(200))
                .onState(j -> {
                    if (j.state() == MoveJob.State.VERIFIED) throw new ShardMoveTest.MoverDied(j.state());
                }).load()) {
            assertThrows(ShardMoveTest.MoverDied.class, () -> dying.moveTenant(tenant, "customer_id", "s2"));
            job = dying.jobs().getLast().id();
        }
        assertThrows(ShardMovedException.class, () -> orders.add(tenant, 21), "the fence is closed while the mover is dead");
        Thread.sleep(300);
        try (ShardMover other = ShardMover.configure(config("m2", true)).owner("m2").load()) {
            assertEquals(MoveJob.State.CANCELLED, other.cancel(job).state());
        }
        orders.add(tenant, 21);
        assertEquals(21, rows("db1").size());
        assertEquals(Map.of(100L, -1L), rows("db2"), "only the tenant's copied rows were deleted from the pod");
    }

    private static void assertRefused(ShardMover mover, long tenant, String to, String message) {
        MoveRefusedException e = assertThrows(MoveRefusedException.class, () -> mover.moveTenant(tenant, "customer_id", to));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    private long count(String db, String sql) throws SQLException {
        try (Connection c = open(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long customerOn(ShardCluster c, String shard) {
        return customerOn(c, shard, 0);
    }

    private static long customerOn(ShardCluster c, String shard, long from) {
        for (long k = from; ; k++) if (c.shardFor(k).equals(ShardId.of(shard))) return k;
    }
}
