package io.shardkit.move;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkit.cluster.ShardCluster;
import io.shardkit.move.verify.DiffReport;
import io.shardkit.move.verify.Mismatch;
import io.shardkit.router.ShardId;
import io.shardkit.test.Engine;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A legacy database imported into a cluster of four shards, block-writes: while three instances' writers keep writing
 * to it (and switch to the cluster when the fence refuses them), when a mover dies mid-copy and another resumes or
 * cancels, and every refusal before anything changes.
 */
class ImportTest {
    private ImportFixture fx;

    @AfterEach
    void close() {
        if (fx != null) fx.close();
    }

    /** Thrown from a hook: the mover stops on the spot, as if killed, with no clean-up. */
    static final class MoverDied extends Error {
        MoverDied(ImportJob job) {
            super("mover died at " + job.state() + " " + job.progressTable() + " " + job.progressRows());
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Engine.class, names = {"H2", "MARIADB", "POSTGRES"})
    void aLegacyDatabaseIsImportedWhileThreeInstancesWriteToIt(Engine engine) throws Exception {
        fx = new ImportFixture(engine).tables();
        fx.seed(300);
        List<ShardCluster> instances = List.of(fx.instance("a"), fx.instance("b"), fx.instance("c"));
        AtomicLong ids = new AtomicLong(100_000);
        Map<Long, Long> ackedOnLegacy = new ConcurrentHashMap<>();
        Map<Long, Long> ackedOnCluster = new ConcurrentHashMap<>();
        AtomicLong refused = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch imported = new CountDownLatch(1);
        List<Thread> writers = new ArrayList<>();
        for (ShardCluster cluster : instances) {
            for (int w = 0; w < 2; w++) {
                writers.add(Thread.ofPlatform().start(() -> write(cluster, ids, ackedOnLegacy, ackedOnCluster, refused,
                        failures, stop, imported)));
            }
        }
        Thread.sleep(300);
        AtomicLong legacyAtFence = new AtomicLong(-1);
        ImportReport report;
        try (ShardMover mover = ShardMover.configure(fx.config("mover")).batchSize(100).load()) {
            try {
                report = mover.imports().onState(job -> {
                    if (job.state() == ImportJob.State.FENCED) legacyAtFence.set(count("legacy", "select count(*) from events"));
                }).start(ImportRequest.of("legacy", "customer_id"));
            } finally {
                imported.countDown(); // the service switches to the cluster
            }
            Thread.sleep(500);
            stop.set(true);
            for (Thread t : writers) t.join();
            assertEquals(ImportJob.State.DONE, mover.imports().job(report.job()).state());
        }

        assertEquals(0, failures.get(), "only the fence refused writes, and only on the legacy database");
        assertEquals(6, refused.get(), "every writer was refused by the fence once, then wrote to the cluster");
        assertTrue(report.clean(), report.verify().toString());
        assertEquals(4, report.verify().size());
        assertEquals(legacyAtFence.get(), count("legacy", "select count(*) from events"),
                "no write landed on the legacy database after the fence closed");
        Set<Long> legacyEvents = ids("legacy");
        assertEquals(600 + ackedOnLegacy.size(), legacyEvents.size());
        assertTrue(legacyEvents.containsAll(ackedOnLegacy.keySet()), "every write acknowledged by the legacy database is there");
        assertEquals(Map.of("CUSTOMERS", 300L, "EVENTS", (long) legacyEvents.size(), "ORDERS", 900L), upper(report.rowsPerTable()));
        assertEquals(report.rows(), report.rowsPerShard().values().stream().mapToLong(Long::longValue).sum());
        assertTrue(report.rowsPerShard().values().stream().allMatch(n -> n > 0), report.rowsPerShard().toString());
        assertTrue(report.pause().toMillis() > 0);
        assertTrue(report.source().contains("closed fence"), report.source());

        // the oracle: the legacy rows, then every write the cluster acknowledged; each exactly once
        for (String table : List.of("customers", "orders")) {
            assertEquals(sorted(fx.rows("legacy", table)), sorted(fx.shardRows(table)), table);
        }
        List<String> expected = new ArrayList<>(fx.rows("legacy", "events"));
        ackedOnCluster.forEach((id, customer) -> expected.add(id + "|" + customer + "|live|w" + id + "|"));
        assertEquals(sorted(expected), sorted(fx.shardRows("events")), "the cluster holds exactly the acknowledged writes");
        assertTrue(ackedOnCluster.size() > 0, "writes went on at the cluster after the import");

        ShardCluster a = instances.getFirst();
        for (int i = 0; i < 4; i++) {
            for (String table : ImportFixture.TABLES) {
                for (long customer : customers("db" + i, table)) {
                    assertEquals(ShardId.of("s" + i), a.shardFor(customer), table + " row of customer " + customer + " on db" + i);
                }
            }
        }
        for (long customer : customers("legacy", "customers")) {
            assertEquals(1, a.dsl(customer).fetchCount(DSL.table("customers"), DSL.field("customer_id").eq(customer)));
            assertEquals(3, a.dsl(customer).fetchCount(DSL.table("orders"), DSL.field("customer_id").eq(customer)));
        }
        assertThrows(SQLException.class, () -> fx.exec("legacy", "insert into customers values (-1, 'late', null, "
                + "current_timestamp, null)"), "the legacy database stays fenced");
    }

    private void write(ShardCluster cluster, AtomicLong ids, Map<Long, Long> ackedOnLegacy, Map<Long, Long> ackedOnCluster,
                       AtomicLong refused, AtomicLong failures, AtomicBoolean stop, CountDownLatch imported) {
        boolean switched = false;
        try (Connection legacy = fx.open("legacy");
             PreparedStatement insert = legacy.prepareStatement("insert into events values (?, ?, 'live', ?)")) {
            while (!stop.get()) {
                long id = ids.incrementAndGet();
                long customer = ThreadLocalRandom.current().nextLong(1_000_003);
                if (!switched) {
                    try {
                        insert.setLong(1, id);
                        insert.setLong(2, customer);
                        insert.setString(3, "w" + id);
                        insert.executeUpdate();
                        ackedOnLegacy.put(id, customer);
                        continue;
                    } catch (SQLException e) {
                        if (!fenced(e)) {
                            if (failures.incrementAndGet() < 5) e.printStackTrace();
                            continue;
                        }
                        refused.incrementAndGet();
                        switched = true;
                        imported.await();
                    }
                }
                try {
                    cluster.dsl(customer).insertInto(DSL.table("events"))
                            .columns(DSL.field("id"), DSL.field("customer_id"), DSL.field("kind"), DSL.field("body"))
                            .values(id, customer, "live", "w" + id).execute();
                    ackedOnCluster.put(id, customer);
                } catch (RuntimeException e) {
                    if (failures.incrementAndGet() < 5) e.printStackTrace();
                }
            }
        } catch (Exception e) {
            failures.incrementAndGet();
            e.printStackTrace();
        }
    }

    static boolean fenced(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && "SKM01".equals(s.getSQLState())) return true;
        }
        return false;
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Engine.class, names = {"H2", "MARIADB"})
    void aMoverThatDiesBetweenTheShardsCommitsAndItsProgressIsResumedExactly(Engine engine) throws Exception {
        fx = new ImportFixture(engine).tables();
        fx.seed(200);
        ShardCluster a = fx.instance("a");
        long job;
        String lastKey;
        try (ShardMover dying = ShardMover.configure(fx.config("m1")).owner("m1").lease(Duration.ofMillis(300))
                .batchSize(50).load()) {
            assertThrows(MoverDied.class, () -> dying.imports().onState(j -> {
                if (j.state() == ImportJob.State.COPYING && "events".equalsIgnoreCase(j.progressTable()) && j.progressRows() == 150) {
                    throw new MoverDied(j);
                }
            }).start(ImportRequest.of("legacy", "customer_id")));
            ImportJob died = dying.imports().jobs().getLast();
            job = died.id();
            assertEquals(ImportJob.State.COPYING, died.state());
            assertEquals(150, died.progressRows());
            lastKey = died.progressKey();
        }
        // the next batch, committed on two of the four shards before the mover died: its progress never recorded
        int halfDone = 0;
        try (Connection c = fx.open("legacy"); PreparedStatement next = c.prepareStatement(
                "select id, customer_id, kind, body from events where id > ? order by id")) {
            next.setLong(1, Long.parseLong(lastKey));
            try (ResultSet rs = next.executeQuery()) {
                for (int n = 0; n < 50 && rs.next(); n++) {
                    long customer = rs.getLong(2);
                    ShardId shard = a.shardFor(customer);
                    if (!shard.equals(ShardId.of("s0")) && !shard.equals(ShardId.of("s1"))) continue;
                    a.dsl(customer).execute("insert into events values (?, ?, ?, ?)", rs.getLong(1), customer,
                            rs.getString(3), rs.getString(4));
                    halfDone++;
                }
            }
        }
        assertTrue(halfDone > 0);
        Thread.sleep(400); // the dead mover's lease expires
        try (ShardMover other = ShardMover.configure(fx.config("m2")).owner("m2").batchSize(70).load()) {
            ImportReport report = other.imports().resume(job);
            assertTrue(report.clean(), report.verify().toString());
            assertEquals(ImportJob.State.DONE, other.imports().job(job).state());
            assertEquals(1_200, report.rows()); // 200 customers, 600 orders, 400 events
        }
        for (String table : ImportFixture.TABLES) {
            assertEquals(sorted(fx.rows("legacy", table)), sorted(fx.shardRows(table)), table + ": every row exactly once");
        }
        Set<Long> onShards = new HashSet<>();
        for (String db : ImportFixture.SHARDS) {
            for (long id : ids(db)) assertTrue(onShards.add(id), "event " + id + " twice");
        }
    }

    @Test
    void aCancelledImportLeavesTheShardsAsTheyWereAndTheSourceWritable() throws Exception {
        fx = new ImportFixture(Engine.H2).tables();
        fx.seed(100);
        ShardCluster a = fx.instance("a");
        long job;
        try (ShardMover dying = ShardMover.configure(fx.config("m1")).owner("m1").lease(Duration.ofMillis(300))
                .batchSize(40).load()) {
            assertThrows(MoverDied.class, () -> dying.imports().onState(j -> {
                if ("orders".equalsIgnoreCase(j.progressTable()) && j.progressRows() == 80) throw new MoverDied(j);
            }).start(ImportRequest.of("legacy", "customer_id")));
            job = dying.imports().jobs().getLast().id();
        }
        assertThrows(SQLException.class, () -> fx.exec("legacy", "insert into events values (-1, 1, 'x', 'y')"), "fenced");
        a.dsl(-5L).execute("insert into events values (-5, -5, 'cluster', 'not from legacy')"); // not the import's
        Thread.sleep(400);
        try (ShardMover other = ShardMover.configure(fx.config("m2")).owner("m2").load()) {
            assertEquals(ImportJob.State.CANCELLED, other.imports().cancel(job).state());
            MoveRefusedException again = assertThrows(MoveRefusedException.class, () -> other.imports().resume(job));
            assertTrue(again.getMessage().contains("import job " + job + " is CANCELLED"), again.getMessage());
        }
        for (String table : List.of("customers", "orders")) assertEquals(List.of(), fx.shardRows(table), table);
        assertEquals(List.of("-5|-5|cluster|not from legacy|"), fx.shardRows("events"), "only rows from legacy are deleted");
        fx.exec("legacy", "insert into events values (-1, 1, 'x', 'y')"); // writable again
        assertEquals(0, fx.count("legacy", "select count(*) from shardkit_fence"));
    }

    @Test
    void aCorruptedShardRowIsNamedByVerify() throws Exception {
        fx = new ImportFixture(Engine.H2).tables();
        fx.seed(100);
        ShardCluster a = fx.instance("a");
        try (ShardMover mover = ShardMover.configure(fx.config("mover")).batchSize(30).load()) {
            ImportReport done = mover.importDatabase(ImportRequest.of("legacy", "customer_id"));
            assertTrue(done.clean());
            long customer = customers("legacy", "customers").get(10);
            a.dsl(customer).execute("update orders set amount = amount + 1 where customer_id = ? and order_id = 2", customer);
            a.dsl(customer).execute("delete from events where customer_id = ? and kind is null", customer);
            ImportReport again = mover.imports().verify(done.job());
            assertTrue(!again.clean());
            String shard = a.shardFor(customer).value();
            DiffReport onShard = again.verify().get(shard);
            List<String> found = onShard.mismatches().stream().map(Mismatch::toString).toList();
            assertEquals(List.of("MISSING_ON_TARGET EVENTS [" + eventId(customer) + "]",
                    "DIFFERENT ORDERS [" + customer + ", 2]"), found);
            assertEquals(3, again.verify().values().stream().filter(DiffReport::clean).count(), "the other shards are clean");
        }
    }

    private long eventId(long customer) throws SQLException {
        return fx.count("legacy", "select id from events where kind is null and customer_id = " + customer);
    }

    @Test
    void everyRefusalNamesItsCauseAndChangesNothing() throws Exception {
        fx = new ImportFixture(Engine.H2).tables();
        fx.seed(20);
        try (ShardMover mover = ShardMover.configure(fx.config("mover")).load()) {
            assertRefused(mover, ImportRequest.of("legacy", "customer_id"), "the topology store holds no version yet");
        }
        fx.instance("a");
        fx.exec("legacy", "create table audit (at timestamp, customer_id bigint)",
                "create table settings (k varchar(20) primary key, v varchar(20))",
                "create table extra (id bigint primary key, customer_id bigint)",
                "create table wide (id bigint primary key, customer_id bigint, x int)",
                "create table loose (id bigint primary key, customer_id bigint)",
                "insert into loose values (1, 5), (2, null), (3, null)",
                "create table tagged (id bigint primary key, customer_id decimal(30, 2))",
                "insert into tagged values (1, 5.5)");
        for (String db : ImportFixture.SHARDS) {
            fx.exec(db, "create table wide (id bigint primary key, customer_id bigint)",
                    "create table loose (id bigint primary key, customer_id bigint)",
                    "create table tagged (id bigint primary key, customer_id decimal(30, 2))");
        }
        fx.exec("db3", "insert into customers values (1, 'there already', null, current_timestamp, null)");
        try (ShardMover mover = ShardMover.configure(fx.config("mover")).load()) {
            assertRefused(mover, ImportRequest.of("nope", "customer_id"), "no database named 'nope'");
            assertRefused(mover, ImportRequest.of("db1", "customer_id"), "db1 holds shard s1");
            assertRefused(mover, request("AUDIT"), "table AUDIT of legacy has no primary key");
            assertRefused(mover, request("SETTINGS"), "table SETTINGS of legacy has no column customer_id");
            assertRefused(mover, request("EXTRA"), "table EXTRA is missing on db0 (shard s0)");
            assertRefused(mover, request("WIDE"), "table WIDE is different ([ID, CUSTOMER_ID] there, [ID, CUSTOMER_ID, X] here) on db0");
            assertRefused(mover, request("CUSTOMERS"), "table CUSTOMERS on db3 (shard s3) is not empty");
            assertRefused(mover, request("LOOSE"), "table LOOSE of legacy: 2 rows have no CUSTOMER_ID (NULL)");
            assertRefused(mover, request("TAGGED"), "table TAGGED: the key column CUSTOMER_ID holds a BigDecimal");
            assertRefused(mover, request("NOSUCH"), "no table NOSUCH in legacy");
            assertEquals(List.of(), mover.imports().jobs(), "no job was created");
            fx.exec("legacy", "insert into events values (-1, 1, 'x', 'y')"); // no fence
            assertEquals(1, mover.store().latestNumber());

            fx.exec("db3", "delete from customers");
            ShardMover dying = ShardMover.configure(fx.config("m1")).owner("m1").lease(Duration.ofMinutes(5)).load();
            try (dying) {
                assertThrows(MoverDied.class, () -> dying.imports().onState(j -> {
                    if (j.state() == ImportJob.State.FENCED) throw new MoverDied(j);
                }).start(request("CUSTOMERS")));
            }
            long job = mover.imports().jobs().getLast().id();
            assertRefused(mover, request("EVENTS"), "import job " + job + " is importing legacy (FENCED) — resume it, or cancel it first");
            MoveRefusedException held = assertThrows(MoveRefusedException.class, () -> mover.imports().cancel(job));
            assertTrue(held.getMessage().contains("held by m1"), held.getMessage());
        }
    }

    private static ImportRequest request(String table) {
        return new ImportRequest("legacy", null, "customer_id", List.of(table));
    }

    private static void assertRefused(ShardMover mover, ImportRequest request, String message) {
        MoveRefusedException e = assertThrows(MoveRefusedException.class, () -> mover.importDatabase(request));
        assertTrue(e.getMessage().contains(message), "expected «" + message + "» in: " + e.getMessage());
    }

    private long count(String db, String sql) {
        try {
            return fx.count(db, sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private Set<Long> ids(String db) throws SQLException {
        Set<Long> ids = new TreeSet<>();
        try (Connection c = fx.open(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select id from events")) {
            while (rs.next()) assertTrue(ids.add(rs.getLong(1)), "event " + rs.getLong(1) + " twice on " + db);
        }
        return ids;
    }

    private List<Long> customers(String db, String table) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (Connection c = fx.open(db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select customer_id from " + table + " order by customer_id")) {
            while (rs.next()) ids.add(rs.getLong(1));
        }
        return ids;
    }

    private static List<String> sorted(List<String> rows) {
        List<String> copy = new ArrayList<>(rows);
        copy.sort(null);
        return copy;
    }

    private static Map<String, Long> upper(Map<String, Long> m) {
        Map<String, Long> u = new java.util.TreeMap<>();
        m.forEach((k, v) -> u.put(k.toUpperCase(), v));
        return u;
    }
}
