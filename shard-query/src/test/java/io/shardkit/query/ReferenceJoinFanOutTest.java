package io.shardkit.query;

import static org.jooq.impl.DSL.count;
import static org.jooq.impl.DSL.countDistinct;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.inline;
import static org.jooq.impl.DSL.max;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.select;
import static org.jooq.impl.DSL.sum;
import static org.jooq.impl.DSL.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkit.cluster.ShardCluster;
import io.shardkit.cluster.ShardClusterBuilder;
import io.shardkit.router.ShardId;
import io.shardkit.test.EmbeddedShards;
import io.shardkit.test.Engine;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Select;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Joins of a sharded table with reference tables, fanned out over four H2 shards that each hold the reference tables
 * whole, against one database holding every row: the same rows, value for value and in order — without
 * assumeColocated(). A query of reference tables only is one shard's answer, not four copies.
 */
class ReferenceJoinFanOutTest {
    static final Table<Record> ORDERS = table(name("orders"));
    static final Table<Record> ITEMS = table(name("items"));
    static final Table<Record> CURRENCY = table(name("currency"));
    static final Table<Record> COUNTRY = table(name("country"));
    static final Field<Long> O_ID = field(name("orders", "id"), SQLDataType.BIGINT.notNull());
    static final Field<Long> O_CUSTOMER = field(name("orders", "customer"), SQLDataType.BIGINT.notNull());
    static final Field<String> O_CODE = field(name("orders", "code"), SQLDataType.VARCHAR(3));
    static final Field<BigDecimal> O_AMOUNT = field(name("orders", "amount"), SQLDataType.DECIMAL(12, 2));
    static final Field<String> C_CODE = field(name("currency", "code"), SQLDataType.VARCHAR(3));
    static final Field<String> C_NAME = field(name("currency", "name"), SQLDataType.VARCHAR(40));
    static final Field<BigDecimal> C_RATE = field(name("currency", "rate"), SQLDataType.DECIMAL(10, 4));
    static final Field<String> K_NAME = field(name("country", "name"), SQLDataType.VARCHAR(40));
    static final Field<String> K_CURRENCY = field(name("country", "currency"), SQLDataType.VARCHAR(3));

    private static EmbeddedShards dbs;
    private static ShardCluster cluster;
    private static DSLContext single;

    @BeforeAll
    static void start() throws Exception {
        dbs = EmbeddedShards.start(Engine.H2, 5);
        ShardClusterBuilder b = ShardCluster.builder().referenceTable("currency").referenceTable("country");
        for (int i = 1; i <= 4; i++) {
            b.database("db" + i, dbs.database(i).jdbcUrl(), dbs.database(i).username(), dbs.database(i).password()).shard("s" + i, "db" + i);
        }
        cluster = b.jump().build();
        single = DSL.using(dbs.database(0).open(), cluster.shards().getFirst().dialect(),
                ShardCluster.defaultJooqConfiguration().settings());
        List<DSLContext> all = new ArrayList<>(List.of(single));
        cluster.shards().forEach(s -> all.add(s.dsl()));
        for (DSLContext d : all) {
            d.execute("create table orders (id bigint primary key, customer bigint not null, code varchar(3), amount decimal(12, 2))");
            d.execute("create table items (order_id bigint, code varchar(3))");
            d.execute("create table currency (code varchar(3) primary key, name varchar(40), rate decimal(10, 4))");
            d.execute("create table country (name varchar(40) primary key, currency varchar(3))");
        }
        String[][] currencies = {{"EUR", "Euro", "1.0000"}, {"USD", "US dollar", "0.9200"}, {"GBP", "Pound", "1.1700"},
                {"JPY", "Yen", "0.0061"}, {"CHF", "Franc", "1.0400"}};
        String[][] countries = {{"France", "EUR"}, {"Germany", "EUR"}, {"Japan", "JPY"}, {"Switzerland", "CHF"},
                {"United Kingdom", "GBP"}, {"United States", "USD"}, {"Ecuador", "USD"}};
        // the reference tables are whole on every shard: written as cluster.reference().write would, one copy each
        for (DSLContext d : all) {
            for (String[] c : currencies) d.insertInto(CURRENCY).values(c[0], c[1], new BigDecimal(c[2])).execute();
            for (String[] k : countries) d.insertInto(COUNTRY).values(k[0], k[1]).execute();
        }
        SplittableRandom r = new SplittableRandom(13);
        String[] codes = {"EUR", "USD", "GBP", "JPY", "SEK", null}; // SEK and null: no currency row
        for (long id = 1; id <= 300; id++) {
            long customer = r.nextLong(1, 500);
            Object[] row = {id, customer, codes[r.nextInt(codes.length)], BigDecimal.valueOf(r.nextLong(100, 100_000), 2)};
            single.insertInto(ORDERS).values(row).execute();
            cluster.dsl(customer).insertInto(ORDERS).values(row).execute();
        }
    }

    @AfterAll
    static void stop() {
        if (cluster != null) cluster.close();
        if (dbs != null) dbs.close();
    }

    private static List<List<Object>> rows(List<? extends Record> records) {
        return records.stream().map(x -> Arrays.asList(x.intoArray())).toList();
    }

    private static List<List<Object>> fanOut(Select<?> q) {
        return rows(FanOut.on(cluster).select(q).fetch().orThrow().rows());
    }

    /** The fan-out's rows equal one database's, in order; BigDecimal by value and scale. */
    private static void sameRows(Select<?> q) {
        List<List<Object>> expected = rows(single.fetch(q));
        assertTrue(expected.size() > 0, "one database answers something: " + q);
        assertEquals(expected, fanOut(q), q.toString());
    }

    private static UnsupportedFanOutException refused(Select<?> q) {
        return assertThrows(UnsupportedFanOutException.class, () -> fanOut(q), q::toString);
    }

    @Test
    void joinsWithOrderByAndLimit() {
        sameRows(select(O_ID, O_AMOUNT, C_NAME).from(ORDERS).join(CURRENCY).on(O_CODE.eq(C_CODE)).orderBy(O_ID).limit(25));
        sameRows(select(O_ID, C_NAME, O_AMOUNT.mul(C_RATE).as("eur")).from(ORDERS).join(CURRENCY).on(O_CODE.eq(C_CODE))
                .where(C_RATE.gt(new BigDecimal("0.5"))).orderBy(field(name("eur")).desc(), O_ID).limit(10).offset(5));
        sameRows(select(O_ID, C_NAME).from(ORDERS).leftJoin(CURRENCY).on(O_CODE.eq(C_CODE)).orderBy(C_NAME.nullsFirst(), O_ID));
        sameRows(select(O_ID, C_NAME).from(ORDERS, CURRENCY).where(O_CODE.eq(C_CODE)).orderBy(O_ID));
        Table<Record> c = CURRENCY.as("c");
        Field<Long> oId = field(name("o", "id"), SQLDataType.BIGINT.notNull());
        sameRows(select(oId, field(name("c", "name"), String.class)).from(ORDERS.as("o")).join(c)
                .on(field(name("o", "code"), String.class).eq(field(name("c", "code"), String.class)))
                .orderBy(oId.desc()).limit(7));
    }

    @Test
    void joinsWithAggregates() {
        sameRows(select(C_NAME, count(), sum(O_AMOUNT), max(O_AMOUNT)).from(ORDERS).join(CURRENCY).on(O_CODE.eq(C_CODE))
                .groupBy(C_NAME).orderBy(C_NAME));
        sameRows(select(C_NAME, count()).from(ORDERS).leftJoin(CURRENCY).on(O_CODE.eq(C_CODE))
                .groupBy(C_NAME).orderBy(inline(2).desc(), C_NAME.nullsLast()).limit(3));
        // a three-way join: a currency of several countries multiplies its orders, as one database does
        sameRows(select(K_NAME, count(), sum(O_AMOUNT.mul(C_RATE))).from(ORDERS).join(CURRENCY).on(O_CODE.eq(C_CODE))
                .join(COUNTRY).on(K_CURRENCY.eq(C_CODE)).groupBy(K_NAME).having(count().gt(10)).orderBy(K_NAME));
        sameRows(select(countDistinct(O_CUSTOMER), sum(O_AMOUNT)).from(ORDERS).join(CURRENCY).on(O_CODE.eq(C_CODE))
                .where(C_NAME.in("Euro", "Yen")));
        sameRows(select(C_NAME).from(ORDERS).join(CURRENCY).on(O_CODE.eq(C_CODE)).groupBy(C_NAME).orderBy(C_NAME));
    }

    @Test
    void referenceTablesAloneAreOneShardsAnswer() {
        sameRows(select(count()).from(CURRENCY));
        assertEquals(List.of(List.<Object>of(5)), fanOut(select(count()).from(CURRENCY)), "five rows, not twenty");
        sameRows(select(C_CODE, C_NAME).from(CURRENCY).orderBy(C_CODE));
        sameRows(select(K_NAME, C_NAME).from(COUNTRY).join(CURRENCY).on(K_CURRENCY.eq(C_CODE)).orderBy(K_NAME));
        sameRows(select(C_NAME).from(CURRENCY).where(C_CODE.in(select(K_CURRENCY).from(COUNTRY))).orderBy(C_NAME));
        sameRows(select(K_CURRENCY, count()).from(COUNTRY).groupBy(K_CURRENCY).orderBy(K_CURRENCY));
        var result = FanOut.on(cluster).select(select(C_CODE).from(CURRENCY)).fetch().orThrow();
        assertEquals(List.of(ShardId.of("s1")), result.outcomes().stream().map(QueryOutcome::shard).toList(), "one shard ran it");
    }

    @Test
    void twoShardedTablesAreStillRefusedWithoutAssumeColocated() {
        Field<Long> itemOrder = field(name("items", "order_id"), SQLDataType.BIGINT);
        assertEquals("a join", refused(select(O_ID).from(ORDERS).join(ITEMS).on(itemOrder.eq(O_ID))
                .join(CURRENCY).on(O_CODE.eq(C_CODE))).construct());
        assertTrue(refused(select(C_NAME).from(CURRENCY).leftJoin(ORDERS).on(O_CODE.eq(C_CODE))).construct()
                .startsWith("this outer join of a reference table"));
        assertTrue(refused(select(C_CODE).from(CURRENCY).unionAll(select(O_CODE).from(ORDERS))).construct()
                .startsWith("a FROM of reference tables only"));
    }
}
