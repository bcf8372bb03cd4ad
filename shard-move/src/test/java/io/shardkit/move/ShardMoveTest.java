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
import io.shardkit.test.EmbeddedShards;
import io.shardkit.test.Engine;
import io.shardkit.test.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A logical shard moved — in block-writes mode on H2, PostgreSQL and MariaDB, online by logical replication on
 * PostgreSQL — while three instances write to it continuously, one of them stale
 * (it never refreshes its topology): no acknowledged write is lost or written twice, none lands on the source after
 * the fence closed, and the data at the end is exactly the acknowledged writes.
 */
class ShardMoveTest {
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

    private TestDatabase db(String name) {
        return dbs.database(NAMES.indexOf(name));
    }

    private String url(String name) {
        return db(name).jdbcUrl();
    }

    private Connection open(String name) throws SQLException {
        return db(name).open();
    }

    private DSLContext dsl(String name) throws SQLException {
        return DSL.using(open(name));
    }

    private ClusterConfig config(String instance, boolean refresh) {
        ShardClusterBuilder b = ShardCluster.builder();
        // a statement timeout turns a write stuck behind a lock into a failure the test reports
        PoolConfig pool = new PoolConfig(8, 1, 5_000L, null, null, 15_000L);
        for (String db : NAMES) b.database(db, new DatabaseConfig(url(db), db(db).username(), db(db).password(), null, pool));
        return b.shard("s0", "db0").shard("s1", "db1").jump()
                .topology(new TopologyConfig("control", 50L, refresh, 5_000L, instance)).toConfig();
    }

    private ShardCluster instance(String name, boolean refresh) {
        ShardCluster c = ShardCluster.create(config(name, refresh));
        clusters.add(c);
        return c;
    }

    private void createOrders(String db) throws SQLException {
        try (Connection c = open(db); Statement s = c.createStatement()) {
            s.execute("create table orders (id bigint primary key, customer_id bigint not null, note varchar(20))");
        }
    }

    private Set<Long> ids(String db) throws SQLException {
        Set<Long> ids = new HashSet<>();
        try (Connection c = open(db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select id from orders")) {
            while (rs.next()) assertTrue(ids.add(rs.getLong(1)), "id " + rs.getLong(1) + " twice on " + db);
        }
        return ids;
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"H2, BLOCK_WRITES", "MARIADB, BLOCK_WRITES", "POSTGRES, BLOCK_WRITES", "POSTGRES, ONLINE"})
    void aShardMovesUnderWritesFromThreeInstancesOneOfThemStale(Engine engine, MoveMode mode) throws Exception {
        dbs = EmbeddedShards.start(engine, NAMES.size());
        for (String db : List.of("db0", "db1", "db2")) createOrders(db);
        List<ShardCluster> writers = List.of(instance("a", true), instance("b", true), instance("stale", false));
        AtomicLong ids = new AtomicLong();
        Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicLong refusedOnStale = new AtomicLong();
        AtomicLong otherFailures = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        for (ShardCluster c : writers) {
            Orders orders = c.repository(Orders.class, dsl -> (customer, id) -> dsl.insertInto(DSL.table("orders"))
                    .columns(DSL.field("id"), DSL.field("customer_id"), DSL.field("note"))
                    .values(id, customer, "n" + id).execute());
            for (int w = 0; w < 4; w++) {
                threads.add(Thread.ofVirtual().start(() -> {
                    while (!stop.get()) {
                        long id = ids.incrementAndGet();
                        try {
                            orders.add(ThreadLocalRandom.current().nextLong(1_000_000), id);
                            acknowledged.add(id);
                        } catch (ShardMovedException e) {
                            if (c.topologyVersion() == 1 && !e.newVersionRunning()) refusedOnStale.incrementAndGet();
                            else otherFailures.incrementAndGet();
                        } catch (RuntimeException e) {
                            if (otherFailures.incrementAndGet() < 5) e.printStackTrace();
                        }
                    }
                }));
            }
        }
        Thread.sleep(500);
        MoveReport report;
        try (ShardMover mover = ShardMover.configure(config("mover", true)).batchSize(200).load()) {
            try {
                report = mover.moveShard("s1", "db2", null, mode);
                Thread.sleep(700);
            } finally {
                stop.set(true);
                for (Thread t : threads) t.join();
            }

            assertTrue(report.verify().clean(), report.verify().toString());
            if (mode == MoveMode.ONLINE) {
                assertEquals(0, count("db1", "select count(*) from pg_replication_slots where slot_name like 'shardkit_move_%'"),
                        "no slot left behind");
                assertEquals(0, count("db1", "select count(*) from pg_publication"), "no publication left behind");
                assertEquals(0, count("db2", "select count(*) from pg_subscription"), "no subscription left behind");
            }
            assertEquals(2, report.version());
            assertEquals(2, writers.get(0).topologyVersion());
            assertEquals(2, writers.get(1).topologyVersion());
            assertEquals("db2", writers.get(0).shard(ShardId.of("s1")).database());
            assertEquals(1, writers.get(2).topologyVersion());

            Set<Long> source = ids("db1");
            Set<Long> moved = ids("db2");
            assertEquals(report.rows(), source.size(),
                    "rows landed on the source after the fence closed");
            assertTrue(moved.containsAll(source), "the target has every row of the source");
            assertTrue(moved.size() > source.size(), "writes went on at the target after the move");
            Set<Long> all = new HashSet<>(ids("db0"));
            for (Long id : moved) assertTrue(all.add(id), "id " + id + " on both s0 and s1");
            assertEquals(acknowledged, all, "the data is exactly the acknowledged writes");
            assertEquals(0, otherFailures.get(), "only the stale instance's writes to the moved shard fail");
            assertTrue(refusedOnStale.get() > 0, "the stale instance wrote to s1 after the move and was refused");

            assertFalse(mover.finish(report.job()), "the stale instance still runs version 1: the fence stays");
            assertEquals(Set.of(), ids("db1"));
            assertThrows(ShardMovedException.class, () -> writers.get(2).repository(Orders.class, dsl -> (customer, id) ->
                    dsl.insertInto(DSL.table("orders")).columns(DSL.field("id"), DSL.field("customer_id"))
                            .values(id, customer).execute()).add(customerOn(writers.get(2), "s1"), -1));
        }
    }

    @Test
    void aMoveIsRefusedByNameBeforeAnythingChanges() throws Exception {
        dbs = EmbeddedShards.start(Engine.H2, NAMES.size());
        createOrders("db0");
        createOrders("db1");
        try (Connection c = open("db1"); Statement s = c.createStatement()) {
            s.execute("create table audit (at timestamp, what varchar(20))");
        }
        instance("a", true);
        try (ShardMover mover = ShardMover.configure(config("mover", true)).load()) {
            MoveRefusedException missing = assertThrows(MoveRefusedException.class, () -> mover.moveShard("s0", "db2", null));
            assertTrue(missing.getMessage().contains("table ORDERS is missing on db2"), missing.getMessage());
            createOrders("db2");
            MoveRefusedException noKey = assertThrows(MoveRefusedException.class, () -> mover.moveShard("s1", "db2", null));
            assertTrue(noKey.getMessage().contains("table AUDIT of s1 has no primary key"), noKey.getMessage());
            assertTrue(assertThrows(MoveRefusedException.class, () -> mover.moveShard("s9", "db2", null)).getMessage()
                    .contains("no logical shard 's9'"));
            assertTrue(assertThrows(MoveRefusedException.class, () -> mover.moveShard("s0", "db1", null)).getMessage()
                    .contains("db1 already holds s1"));
            assertEquals(1, mover.store().latestNumber());
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"H2, BLOCK_WRITES, bigint generated by default as identity", "MARIADB, BLOCK_WRITES, bigint auto_increment",
            "POSTGRES, ONLINE, bigserial"})
    void generatedIdsGoOnPastTheMovedRows(Engine engine, MoveMode mode, String generated) throws Exception {
        dbs = EmbeddedShards.start(engine, NAMES.size());
        for (String db : List.of("db0", "db1", "db2")) {
            try (Connection c = open(db); Statement s = c.createStatement()) {
                s.execute("create table items (id " + generated + " primary key, note varchar(20))");
            }
        }
        ShardCluster a = instance("a", true);
        for (int i = 0; i < 50; i++) a.dsl(ShardId.of("s1")).execute("insert into items (note) values ('before')");
        try (ShardMover mover = ShardMover.configure(config("mover", true)).load()) {
            mover.moveShard("s1", "db2", null, mode);
        }
        a.refreshTopology();
        a.dsl(ShardId.of("s1")).execute("insert into items (note) values ('after')"); // no duplicate key
        assertEquals(51L, a.dsl(ShardId.of("s1")).resultQuery("select id from items where note = 'after'").fetchOne(0, Long.class));
    }

    @Test
    void aMoveIsRefusedUntilTheTargetIsAtTheShardsMigrationVersion() throws Exception {
        dbs = EmbeddedShards.start(Engine.H2, NAMES.size());
        for (String db : List.of("db0", "db1")) flyway(db).migrate();
        createOrders("db2"); // the same table, made by hand: Flyway never ran there
        instance("a", true);
        try (ShardMover mover = ShardMover.configure(config("mover", true)).load()) {
            MoveRefusedException e = assertThrows(MoveRefusedException.class, () -> mover.moveShard("s1", "db2", null));
            assertTrue(e.getMessage().contains("db1 is at migration version 1 but db2 is at none"), e.getMessage());
            try (Connection c = open("db2"); Statement s = c.createStatement()) {
                s.execute("drop table orders");
            }
            flyway("db2").migrate();
            assertEquals(MoveMode.BLOCK_WRITES, mover.plan(MoveRequest.shard("s1", "db2", null)).mode());
            assertEquals(MoveJob.State.SWITCHED, mover.job(mover.moveShard("s1", "db2", null).job()).state());
        }
    }

    private org.flywaydb.core.Flyway flyway(String db) {
        return org.flywaydb.core.Flyway.configure().dataSource(url(db), db(db).username(), db(db).password())
                .locations("classpath:db/move-test").load();
    }

    /** Thrown from a mover's progress hook: the mover stops on the spot, as if killed, with no clean-up. */
    static final class MoverDied extends Error {
        MoverDied(MoveJob.State at) {
            super("mover died at " + at);
        }
    }

    @ParameterizedTest(name = "{0} {1}: died at {2}, then {3}")
    @CsvSource({"H2, BLOCK_WRITES, COPYING, cancel", "H2, BLOCK_WRITES, VERIFIED, resume",
            "MARIADB, BLOCK_WRITES, VERIFIED, cancel", "POSTGRES, ONLINE, CATCHING_UP, resume",
            "POSTGRES, ONLINE, VERIFIED, cancel", "POSTGRES, ONLINE, CUTTING_OVER, resume"})
    void aMoverThatDiesIsResumedOrCancelledByAnother(Engine engine, MoveMode mode, MoveJob.State at, String then)
            throws Exception {
        dbs = EmbeddedShards.start(engine, NAMES.size());
        for (String db : List.of("db0", "db1", "db2")) createOrders(db);
        ShardCluster a = instance("a", true);
        Orders orders = a.repository(Orders.class, dsl -> (customer, id) -> dsl.insertInto(DSL.table("orders"))
                .columns(DSL.field("id"), DSL.field("customer_id")).values(id, customer).execute());
        long onS1 = customerOn(a, "s1");
        for (long id = 1; id <= 50; id++) orders.add(onS1, id);
        long job;
        try (ShardMover dying = ShardMover.configure(config("m1", true)).owner("m1").lease(Duration.ofMillis(300))
                .onState(j -> {
                    if (j.state() == at) throw new MoverDied(at);
                }).load()) {
            assertThrows(MoverDied.class, () -> dying.moveShard("s1", "db2", null, mode));
            job = dying.jobs().getLast().id();
            assertEquals(at, dying.job(job).state());
        }
        try (ShardMover other = ShardMover.configure(config("m2", true)).owner("m2").load()) {
            Thread.sleep(400); // the dead mover's lease expires
            if (then.equals("cancel")) {
                assertEquals(MoveJob.State.CANCELLED, other.cancel(job).state());
                orders.add(onS1, 51);
                assertEquals(51, ids("db1").size());
                assertEquals(Set.of(), ids("db2"));
                assertEquals(1, other.store().latestNumber(), "nothing was published");
            } else {
                MoveReport r = other.resume(job);
                assertTrue(r.verify().clean());
                assertEquals(MoveJob.State.SWITCHED, other.job(job).state());
                a.refreshTopology();
                orders.add(onS1, 51);
                assertEquals(51, ids("db2").size());
                other.finish(job);
                assertEquals(Set.of(), ids("db1"));
                assertEquals(MoveJob.State.FINISHED, other.job(job).state());
            }
            if (engine == Engine.POSTGRES) {
                assertEquals(0, count("db1", "select count(*) from pg_replication_slots"), "no slot left behind");
                assertEquals(0, count("db1", "select count(*) from pg_publication"), "no publication left behind");
                assertEquals(0, count("db2", "select count(*) from pg_subscription"), "no subscription left behind");
            }
            MoveRefusedException again = assertThrows(MoveRefusedException.class,
                    () -> other.cancel(job));
            assertTrue(again.getMessage().contains("job " + job + " is "), again.getMessage());
        }
    }

    @Test
    void aJobHeldByALiveMoverIsNotTakenOver() throws Exception {
        dbs = EmbeddedShards.start(Engine.H2, NAMES.size());
        for (String db : List.of("db0", "db1", "db2")) createOrders(db);
        instance("a", true);
        try (ShardMover dying = ShardMover.configure(config("m1", true)).owner("m1").lease(Duration.ofMinutes(5))
                .onState(j -> {
                    if (j.state() == MoveJob.State.COPYING) throw new MoverDied(j.state());
                }).load();
             ShardMover other = ShardMover.configure(config("m2", true)).owner("m2").load()) {
            assertThrows(MoverDied.class, () -> dying.moveShard("s1", "db2", null));
            long job = dying.jobs().getLast().id();
            MoveRefusedException held = assertThrows(MoveRefusedException.class, () -> other.resume(job));
            assertTrue(held.getMessage().contains("held by m1"), held.getMessage());
            MoveRefusedException busy = assertThrows(MoveRefusedException.class, () -> other.moveShard("s1", "db2", null));
            assertTrue(busy.getMessage().contains("job " + job + " is moving shard s1"), busy.getMessage());
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Engine.class, names = {"H2", "POSTGRES"})
    void aShardMovesBackToWhereItsOldFenceStillStands(Engine engine) throws Exception {
        dbs = EmbeddedShards.start(engine, NAMES.size());
        for (String db : List.of("db0", "db1", "db2")) createOrders(db);
        ShardCluster a = instance("a", true);
        instance("stale", false); // keeps finish from removing the fence at the old place
        Orders orders = a.repository(Orders.class, dsl -> (customer, id) -> dsl.insertInto(DSL.table("orders"))
                .columns(DSL.field("id"), DSL.field("customer_id")).values(id, customer).execute());
        long onS1 = customerOn(a, "s1");
        orders.add(onS1, 1);
        try (ShardMover mover = ShardMover.configure(config("mover", true)).load()) {
            MoveReport away = mover.moveShard("s1", "db2", null);
            assertFalse(mover.finish(away.job()), "the stale instance keeps the fence on db1");
            a.refreshTopology();
            orders.add(onS1, 2);
            MoveReport back = mover.moveShard("s1", "db1", null);
            assertEquals(3, back.version());
            mover.finish(back.job());
        }
        a.refreshTopology();
        orders.add(onS1, 3); // through no fence left from the first move
        assertEquals(Set.of(1L, 2L, 3L), ids("db1"));
        assertEquals(Set.of(), ids("db2"));
    }

    @Test
    void aStartedOnlineMoveIsVerifiedWhileWritesGoOnAndACorruptedTargetRowIsNamed() throws Exception {
        dbs = EmbeddedShards.start(Engine.POSTGRES, NAMES.size());
        for (String db : List.of("db0", "db1", "db2")) createOrders(db);
        ShardCluster a = instance("a", true);
        Orders orders = a.repository(Orders.class, dsl -> (customer, id) -> dsl.insertInto(DSL.table("orders"))
                .columns(DSL.field("id"), DSL.field("customer_id"), DSL.field("note")).values(id, customer, "n").execute());
        long onS1 = customerOn(a, "s1");
        for (long id = 1; id <= 300; id++) orders.add(onS1, id);
        try (ShardMover mover = ShardMover.configure(config("mover", true)).load()) {
            MoveJob started = mover.start(MoveRequest.shard("s1", "db2", null));
            assertEquals(MoveJob.State.VERIFIED, started.state());
            assertEquals(1, mover.store().latestNumber(), "nothing switched yet");
            for (long id = 301; id <= 310; id++) orders.add(onS1, id); // writes go on, and follow to the target
            assertTrue(mover.verify(started.id()).clean());
            try (Connection c = open("db2"); Statement s = c.createStatement()) {
                s.execute("update orders set note = 'corrupt' where id = 42");
                s.execute("delete from orders where id = 7");
            }
            var diff = mover.verify(started.id());
            assertEquals(List.of("DIFFERENT orders [42]", "MISSING_ON_TARGET orders [7]"),
                    diff.mismatches().stream().map(Object::toString).sorted().toList());
            assertEquals(310, diff.rows());
            assertEquals(MoveJob.State.CANCELLED, mover.cancel(started.id()).state());
            MoveJob again = mover.start(MoveRequest.shard("s1", "db2", null));
            orders.add(onS1, 311);
            MoveReport switched = mover.cutover(again.id());
            assertEquals(311, switched.rows());
            assertEquals(2, switched.version());
            assertEquals(311, ids("db2").size());
        }
    }

    @Test
    void verifyNamesEveryRowThatDiffers() throws Exception {
        dbs = EmbeddedShards.start(Engine.H2, NAMES.size());
        for (String db : List.of("db0", "db1", "db2")) createOrders(db);
        ShardCluster a = instance("a", true);
        for (long id = 1; id <= 500; id++) a.dsl(ShardId.of("s1")).execute("insert into orders values (?, ?, ?)", id, 1, "n");
        try (ShardMover mover = ShardMover.configure(config("mover", true)).batchSize(64).load()) {
            DSLContext target = dsl("db2");
            target.execute("insert into orders values (7, 1, 'n'), (300, 1, 'changed'), (501, 1, 'n')");
            for (long id = 8; id <= 299; id++) target.execute("insert into orders values (?, 1, 'n')", id);
            for (long id = 301; id <= 500; id++) target.execute("insert into orders values (?, 1, 'n')", id);
            DSLContext source = dsl("db1");
            var diff = io.shardkit.move.verify.ShardDiff.compare(io.shardkit.move.copy.Catalog.tables(source, null),
                    t -> new io.shardkit.move.copy.KeysetPages(source, null, t, null),
                    t -> new io.shardkit.move.copy.KeysetPages(target, null, t, null), 64);
            assertEquals(500, diff.rows());
            assertEquals(List.of("1", "2", "3", "4", "5", "6"), diff.mismatches().stream()
                    .filter(m -> m.kind() == io.shardkit.move.verify.Mismatch.Kind.MISSING_ON_TARGET).map(m -> m.key().getFirst()).toList());
            assertEquals(List.of("300"), diff.mismatches().stream()
                    .filter(m -> m.kind() == io.shardkit.move.verify.Mismatch.Kind.DIFFERENT).map(m -> m.key().getFirst()).toList());
            assertEquals(List.of("501"), diff.mismatches().stream()
                    .filter(m -> m.kind() == io.shardkit.move.verify.Mismatch.Kind.EXTRA_ON_TARGET).map(m -> m.key().getFirst()).toList());
        }
    }

    private long count(String db, String sql) throws SQLException {
        try (Connection c = open(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long customerOn(ShardCluster c, String shard) {
        for (long k = 0; ; k++) if (c.shardFor(k).equals(ShardId.of(shard))) return k;
    }
}
