package io.shardkit.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkit.cluster.atomic.DecisionTable;
import io.shardkit.router.ShardException;
import io.shardkit.router.ShardId;
import io.shardkit.test.EmbeddedShards;
import io.shardkit.test.Engine;
import io.shardkit.test.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jooq.ExecuteContext;
import org.jooq.ExecuteListener;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code cluster.reference()} on real databases: a write lands on every shard's copy or on none (three PostgreSQL
 * databases, two-phase commit), a statement naming a sharded table is refused, and clusters whose databases cannot
 * take part in a two-phase commit are refused with the atomic transaction's own error.
 */
class ReferenceWritesTest {
    static final Table<Record> CURRENCY = DSL.table(DSL.name("currency"));
    static final Table<Record> ORDERS = DSL.table(DSL.name("orders"));
    static final Field<String> CODE = DSL.field(DSL.name("code"), SQLDataType.VARCHAR(3));
    static final Field<String> NAME = DSL.field(DSL.name("name"), SQLDataType.VARCHAR(40));

    private EmbeddedShards dbs;
    private ShardCluster cluster;
    private final List<String> statements = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        if (cluster != null) cluster.close();
        if (dbs != null) dbs.close();
    }

    /** One shard per database, each with the reference table, a sharded table and (PostgreSQL) the decision table. */
    private void start(Engine engine, int databases) throws Exception {
        dbs = EmbeddedShards.start(engine, databases);
        ShardClusterBuilder b = ShardCluster.builder().name("reference_test").referenceTable("currency");
        for (int i = 0; i < databases; i++) {
            TestDatabase d = dbs.database(i);
            b.database("db" + i, d.jdbcUrl(), d.username(), d.password()).shard("s" + i, "db" + i);
            try (Connection c = d.open(); Statement s = c.createStatement()) {
                s.execute("create table currency (code varchar(3) primary key, name varchar(40) not null)");
                s.execute("create table orders (id bigint primary key, code varchar(3))");
                if (engine == Engine.POSTGRES) s.execute(DecisionTable.createStatement());
            }
        }
        ExecuteListener log = new ExecuteListener() {
            @Override
            public void executeStart(ExecuteContext ctx) {
                statements.add(ctx.sql());
            }
        };
        cluster = b.jump().jooqConfiguration(ShardCluster.defaultJooqConfiguration().derive(log)).build();
    }

    private List<String> codes(Shard s) {
        return s.dsl().select(CODE).from(CURRENCY).orderBy(CODE).fetch(CODE);
    }

    private void everyShardHolds(List<String> codes) {
        for (Shard s : cluster.shards()) assertEquals(codes, codes(s), "shard " + s.id());
    }

    @Test
    void aWriteLandsOnEveryShardInOneTwoPhaseCommit() throws Exception {
        start(Engine.POSTGRES, 3);
        int inserted = cluster.reference().write(dsl -> dsl.insertInto(CURRENCY, CODE, NAME)
                .values("EUR", "Euro").values("USD", "US dollar").execute());
        assertEquals(2, inserted, "the first shard's count");
        everyShardHolds(List.of("EUR", "USD"));
        assertEquals(2, statements.stream().filter(s -> s.startsWith("prepare transaction")).count(),
                "the two databases after the first prepare: " + statements);
        assertEquals("Euro", cluster.reference().dsl().select(NAME).from(CURRENCY).where(CODE.eq("EUR")).fetchOne(NAME));
        cluster.reference().write(dsl -> dsl.update(CURRENCY).set(NAME, "Euro (EUR)").where(CODE.eq("EUR")).execute());
        for (Shard s : cluster.shards()) {
            assertEquals("Euro (EUR)", s.dsl().select(NAME).from(CURRENCY).where(CODE.eq("EUR")).fetchOne(NAME), "shard " + s.id());
        }
        assertEquals(0L, preparedLeft());
        // reads go to the first shard: a row only its copy has (written around Shardkit) is seen, one only s1's is not
        cluster.dsl(ShardId.of("s0")).insertInto(CURRENCY, CODE, NAME).values("XS0", "only s0").execute();
        cluster.dsl(ShardId.of("s1")).insertInto(CURRENCY, CODE, NAME).values("XS1", "only s1").execute();
        assertEquals(List.of("EUR", "USD", "XS0"), cluster.reference().dsl().select(CODE).from(CURRENCY).orderBy(CODE).fetch(CODE));
    }

    @Test
    void aShardThatFailsLeavesEveryCopyAsItWas() throws Exception {
        start(Engine.POSTGRES, 3);
        // the last shard's copy already has GBP: its insert fails after the first two shards' succeeded
        cluster.shards().get(2).dsl().insertInto(CURRENCY, CODE, NAME).values("GBP", "Pound").execute();
        assertThrows(RuntimeException.class, () -> cluster.reference().write(dsl -> dsl.insertInto(CURRENCY, CODE, NAME)
                .values("CHF", "Franc").values("GBP", "Pound sterling").execute()));
        assertEquals(List.of(), codes(cluster.shards().get(0)));
        assertEquals(List.of(), codes(cluster.shards().get(1)));
        assertEquals(List.of("GBP"), codes(cluster.shards().get(2)));
        assertEquals(0L, preparedLeft());
    }

    @Test
    void aStatementOnAShardedTableIsRefusedAndNothingIsWritten() throws Exception {
        start(Engine.POSTGRES, 2);
        statements.clear();
        ShardException e = assertThrows(ShardException.class, () -> cluster.reference().write(dsl -> {
            dsl.insertInto(CURRENCY, CODE, NAME).values("JPY", "Yen").execute();
            return dsl.deleteFrom(ORDERS).where(DSL.field(DSL.name("code")).eq("JPY")).execute();
        }));
        assertEquals(ShardException.Code.UNSUPPORTED, e.code());
        assertEquals("[shard s0] a reference write names [orders], which is not a reference table (declared: [currency]):"
                + " it would run on every shard's own rows; the whole write is rolled back — write sharded tables with"
                + " cluster.inTransaction or inAtomicTransaction, or declare the table reference: true", e.getMessage());
        assertTrue(statements.stream().noneMatch(s -> s.contains("orders")), "refused before it ran: " + statements);
        everyShardHolds(List.of());
    }

    @Test
    void aliasesAndSubqueriesOverReferenceTablesAreAccepted() throws Exception {
        start(Engine.POSTGRES, 2);
        cluster.reference().write(dsl -> dsl.insertInto(CURRENCY, CODE, NAME).values("EUR", "Euro").execute());
        Table<Record> c = CURRENCY.as("c");
        int updated = cluster.reference().write(dsl -> dsl.update(c).set(DSL.field(DSL.name("c", "name"), String.class), "Euro!")
                .where(DSL.field(DSL.name("c", "code"), String.class).in(DSL.select(CODE).from(CURRENCY))).execute());
        assertEquals(1, updated);
        for (Shard s : cluster.shards()) assertEquals("Euro!", s.dsl().select(NAME).from(CURRENCY).fetchOne(NAME));
        ShardException e = assertThrows(ShardException.class, () -> cluster.reference().write(dsl -> dsl.insertInto(CURRENCY,
                CODE, NAME).select(DSL.select(CODE, CODE).from(ORDERS)).execute()));
        assertTrue(e.getMessage().contains("names [orders]"), e.getMessage());
    }

    @Test
    void severalH2DatabasesAreRefusedByTheAtomicTransaction() throws Exception {
        start(Engine.H2, 2);
        ShardException e = assertThrows(ShardException.class, () -> cluster.reference().write(dsl ->
                dsl.insertInto(CURRENCY, CODE, NAME).values("EUR", "Euro").execute()));
        assertEquals(ShardException.Code.CONFIG, e.code());
        assertTrue(e.getMessage().contains("spans databases [db0, db1], but db0 is H2: a transaction across databases"
                + " needs PostgreSQL participants"), e.getMessage());
        everyShardHolds(List.of());
    }

    @Test
    void shardsThatAreSchemasOfOneH2DatabaseShareALocalTransaction() throws Exception {
        dbs = EmbeddedShards.start(Engine.H2, 1);
        TestDatabase d = dbs.database(0);
        ShardClusterBuilder b = ShardCluster.builder().referenceTable("currency").database("db0", d.jdbcUrl(), d.username(), d.password());
        try (Connection c = d.open(); Statement s = c.createStatement()) {
            for (int i = 0; i < 3; i++) {
                s.execute("create schema s" + i);
                s.execute("create table s" + i + ".currency (code varchar(3) primary key, name varchar(40) not null)");
                b.shard("s" + i, "db0", "s" + i);
            }
        }
        cluster = b.jump().build();
        cluster.reference().write(dsl -> dsl.insertInto(CURRENCY, CODE, NAME).values("EUR", "Euro").execute());
        everyShardHolds(List.of("EUR"));
        // the last schema's copy refuses the insert: the first two roll back with it
        cluster.shards().get(2).dsl().insertInto(CURRENCY, CODE, NAME).values("GBP", "Pound").execute();
        assertThrows(RuntimeException.class, () -> cluster.reference().write(dsl -> dsl.insertInto(CURRENCY, CODE, NAME)
                .values("GBP", "Pound").execute()));
        assertEquals(List.of("EUR"), codes(cluster.shards().get(0)));
        assertEquals(List.of("EUR"), codes(cluster.shards().get(1)));
    }

    @Test
    void withoutReferenceTablesTheWriteSaysHowToDeclareThem() throws Exception {
        dbs = EmbeddedShards.start(Engine.H2, 1);
        TestDatabase d = dbs.database(0);
        cluster = ShardCluster.builder().database("db0", d.jdbcUrl(), d.username(), d.password()).shard("s0", "db0").jump().build();
        assertEquals(java.util.Set.of(), cluster.referenceTables());
        ShardException e = assertThrows(ShardException.class, () -> cluster.reference().write(dsl -> 0));
        assertEquals("no reference tables are declared — declare them in shards.yml (tables: { currency: { reference:"
                + " true } }) or with ShardClusterBuilder.referenceTable", e.getMessage());
    }

    @Test
    void aBadNameFromTheBuilderFailsAtBuild() throws Exception {
        dbs = EmbeddedShards.start(Engine.H2, 1);
        TestDatabase d = dbs.database(0);
        var e = assertThrows(io.shardkit.cluster.config.ShardConfigException.class, () -> ShardCluster.builder()
                .database("db0", d.jdbcUrl(), d.username(), d.password()).shard("s0", "db0").jump()
                .referenceTable("public.currency").build());
        assertEquals(List.of("tables.public.currency: not a plain table name — write the table's unquoted name (letters,"
                + " digits, '_'), without a schema: every shard's schema holds its own copy"), e.problems());
    }

    private long preparedLeft() {
        return cluster.shards().getFirst().dsl().fetchOne("select count(*) from pg_prepared_xacts").get(0, Long.class);
    }
}
