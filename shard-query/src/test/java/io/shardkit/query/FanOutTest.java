package io.shardkit.query;

import static org.jooq.impl.DSL.avg;
import static org.jooq.impl.DSL.count;
import static org.jooq.impl.DSL.countDistinct;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.max;
import static org.jooq.impl.DSL.min;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.rank;
import static org.jooq.impl.DSL.rowNumber;
import static org.jooq.impl.DSL.select;
import static org.jooq.impl.DSL.selectDistinct;
import static org.jooq.impl.DSL.sum;
import static org.jooq.impl.DSL.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkit.cluster.ShardCluster;
import io.shardkit.cluster.ShardClusterBuilder;
import io.shardkit.router.ShardId;
import io.shardkit.test.EmbeddedShards;
import io.shardkit.test.Engine;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
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

/** The fan-out on 4 H2 shards, each answer compared with the same query on one H2 database holding all the rows. */
class FanOutTest {
    static final Table<Record> ORDERS = table(name("orders"));
    static final Field<Long> ID = field(name("id"), SQLDataType.BIGINT);
    static final Field<Long> CUSTOMER = field(name("customer_id"), SQLDataType.BIGINT);
    static final Field<String> STATUS = field(name("status"), SQLDataType.VARCHAR(16));
    static final Field<BigDecimal> TOTAL = field(name("total"), SQLDataType.DECIMAL(12, 2));
    static final Field<Integer> QTY = field(name("qty"), SQLDataType.INTEGER);
    static final Field<Double> WEIGHT = field(name("weight"), SQLDataType.DOUBLE);

    static EmbeddedShards dbs;
    static ShardCluster cluster;
    static DSLContext single;

    @BeforeAll
    static void load() throws Exception {
        dbs = EmbeddedShards.start(Engine.H2, 5);
        ShardClusterBuilder b = ShardCluster.builder();
        for (int i = 1; i <= 4; i++) {
            b.database("db" + i, dbs.database(i).jdbcUrl(), dbs.database(i).username(), dbs.database(i).password()).shard("s" + i, "db" + i);
        }
        cluster = b.consistentHash(64).build();
        single = DSL.using(dbs.database(0).open(), org.jooq.SQLDialect.H2);
        List<DSLContext> all = new ArrayList<>();
        all.add(single);
        cluster.shards().forEach(s -> all.add(s.dsl()));
        for (DSLContext d : all) {
            d.createTable(ORDERS).columns(ID, CUSTOMER, STATUS, TOTAL, QTY, WEIGHT).execute();
        }
        SplittableRandom r = new SplittableRandom(7);
        String[] statuses = {"PAID", "NEW", "paid", "Ärger", null};
        for (long id = 1; id <= 600; id++) {
            long customer = r.nextLong(1, 80);
            Object[] row = {id, customer, statuses[r.nextInt(statuses.length)],
                    r.nextInt(10) == 0 ? null : BigDecimal.valueOf(r.nextLong(-5_000, 100_000), 2),
                    r.nextInt(8) == 0 ? null : r.nextInt(0, 5), r.nextDouble()};
            for (DSLContext d : List.of(single, cluster.dsl(customer))) {
                d.insertInto(ORDERS).values(row).execute();
            }
        }
    }

    @AfterAll
    static void close() {
        cluster.close();
        dbs.close();
    }

    static <R extends Record> List<List<Object>> fanOut(Select<R> q) {
        return FanOut.on(cluster).select(q).fetch().orThrow().rows().stream().map(r -> java.util.Arrays.asList(r.intoArray())).toList();
    }

    static List<List<Object>> oneDatabase(Select<?> q) {
        return single.fetch(q).stream().map(r -> java.util.Arrays.asList(r.intoArray())).toList();
    }

    static void sameAsOneDatabase(Select<?> q) {
        List<List<Object>> expected = oneDatabase(q);
        List<List<Object>> actual = FanOut.on(cluster).select(q).fetch().orThrow().rows().stream()
                .map(r -> java.util.Arrays.asList(r.intoArray())).toList();
        assertEquals(expected, actual, q.toString());
    }

    @Test
    void orderedTopNWithMixedDirectionsAndNulls() {
        sameAsOneDatabase(select(ID, STATUS, TOTAL).from(ORDERS).where(QTY.gt(0)).orderBy(TOTAL.desc(), ID).limit(20));
        sameAsOneDatabase(select(ID, TOTAL).from(ORDERS).orderBy(TOTAL.asc().nullsLast(), ID.desc()).limit(15).offset(7));
        sameAsOneDatabase(select(ID, QTY).from(ORDERS).orderBy(QTY, ID).limit(30));
        sameAsOneDatabase(select(ID, STATUS).from(ORDERS).orderBy(STATUS.desc(), ID).limit(40));
    }

    @Test
    void sortKeysNeedNotBeSelected() {
        sameAsOneDatabase(select(ID).from(ORDERS).orderBy(TOTAL.desc().nullsFirst(), ID).limit(25));
    }

    @Test
    void aggregatesWithoutGroups() {
        sameAsOneDatabase(select(count(), count(TOTAL), sum(TOTAL), min(TOTAL), max(TOTAL), avg(TOTAL), avg(QTY), sum(QTY))
                .from(ORDERS));
        sameAsOneDatabase(select(count(), sum(TOTAL), avg(TOTAL)).from(ORDERS).where(ID.lt(0L)));
        // counts alone are summed in Java, with no round trip to a merging database
        sameAsOneDatabase(select(count(), count(TOTAL).filterWhere(QTY.gt(2)).as("c")).from(ORDERS).where(ID.gt(10L)));
        sameAsOneDatabase(select(count()).from(ORDERS).where(ID.lt(0L)));
    }

    @Test
    void groupsWithHavingOrderAndLimit() {
        sameAsOneDatabase(select(STATUS, count(), sum(TOTAL), avg(TOTAL)).from(ORDERS).groupBy(STATUS)
                .having(count().gt(10)).orderBy(sum(TOTAL).desc()).limit(3));
        sameAsOneDatabase(select(CUSTOMER, max(TOTAL)).from(ORDERS).groupBy(CUSTOMER)
                .having(sum(QTY).between(BigDecimal.valueOf(5), BigDecimal.valueOf(20)).and(min(TOTAL).isNotNull())).orderBy(CUSTOMER));
        sameAsOneDatabase(select(QTY, count()).from(ORDERS).groupBy(QTY).orderBy(QTY.desc().nullsFirst()));
    }

    @Test
    void distinctAcrossShards() {
        sameAsOneDatabase(selectDistinct(STATUS).from(ORDERS).orderBy(STATUS));
        sameAsOneDatabase(selectDistinct(QTY, STATUS).from(ORDERS).orderBy(QTY, STATUS).limit(7));
    }

    @Test
    void concatenationWithoutOrderIsTheSameMultiset() {
        List<List<Object>> expected = new ArrayList<>(oneDatabase(select(ID, STATUS).from(ORDERS).where(QTY.eq(2))));
        List<List<Object>> actual = new ArrayList<>(fanOut(select(ID, STATUS).from(ORDERS).where(QTY.eq(2))));
        java.util.Comparator<List<Object>> byId = java.util.Comparator.comparing(l -> (Long) l.getFirst());
        expected.sort(byId);
        actual.sort(byId);
        assertEquals(expected, actual);
    }

    @Test
    void keysetPagesWalkTheWholeOrderedResult() {
        Select<?> q = select(ID, TOTAL).from(ORDERS).orderBy(TOTAL.desc(), ID);
        assertEquals(600 / 45 + 1, walkPages(q, 45));
        // The leading key's range bound must keep NULLs wherever they sort: after the values, before them, both ways.
        walkPages(select(ID, TOTAL).from(ORDERS).orderBy(TOTAL.asc().nullsLast(), ID.desc()), 37);
        walkPages(select(ID, QTY, STATUS).from(ORDERS).orderBy(QTY.desc().nullsFirst(), STATUS, ID), 29);
        walkPages(select(ID, QTY).from(ORDERS).orderBy(QTY, ID), 50);
        // A key declared NOT NULL gets a plain range, with no IS NULL branch.
        walkPages(select(ID, CUSTOMER).from(ORDERS).orderBy(field(name("customer_id"), SQLDataType.BIGINT.notNull()).desc(), ID), 41);
        var other = FanOut.on(cluster).select(select(ID, TOTAL).from(ORDERS).orderBy(ID));
        String first = FanOut.on(cluster).select(q).fetchPage(10, null).nextCursor().orElseThrow();
        assertThrows(io.shardkit.router.ShardException.class, () -> other.fetchPage(10, first));
    }

    /** Walks every keyset page of {@code q} and asserts they concatenate to the one database's answer; returns the page count. */
    static int walkPages(Select<?> q, int pageSize) {
        List<List<Object>> paged = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Page<? extends Record> page = FanOut.on(cluster).select(q).fetchPage(pageSize, cursor);
            page.rows().forEach(r -> paged.add(java.util.Arrays.asList(r.intoArray())));
            cursor = page.nextCursor().orElse(null);
            pages++;
        } while (cursor != null);
        assertEquals(oneDatabase(q), paged, q.toString());
        return pages;
    }

    @Test
    void aStreamMergesLazilyAndReleasesEverythingWhenClosed() {
        List<Long> ids;
        try (Stream<? extends Record> rows = FanOut.on(cluster).select(select(ID).from(ORDERS).orderBy(ID)).fetchSize(16).stream()) {
            ids = rows.limit(50).map(r -> r.get(0, Long.class)).toList();
        }
        assertEquals(java.util.stream.LongStream.rangeClosed(1, 50).boxed().toList(), ids);
        cluster.poolStats().forEach(p -> assertEquals(0, p.active(), p.toString()));
    }

    @Test
    void forKeysVisitsOnlyTheShardsHoldingThem() {
        FanOutResult<? extends Record> r = FanOut.on(cluster).select(select(ID).from(ORDERS).where(CUSTOMER.in(3L, 4L)).orderBy(ID))
                .forKeys(3L, 4L).fetch();
        List<ShardId> visited = r.outcomes().stream().map(QueryOutcome::shard).toList();
        assertEquals(List.copyOf(new java.util.LinkedHashSet<>(List.of(cluster.shardFor(3L), cluster.shardFor(4L)))), visited);
        assertEquals(oneDatabase(select(ID).from(ORDERS).where(CUSTOMER.in(3L, 4L)).orderBy(ID)),
                r.rows().stream().map(x -> java.util.Arrays.asList(x.intoArray())).toList());
    }

    @Test
    void whatCannotBeMergedIsRefusedByName() {
        record Case(String construct, Select<?> query) {
        }
        List<Case> cases = List.of(
                new Case("aggregate LIST_AGG", select(DSL.listAgg(STATUS, ",").withinGroupOrderBy(STATUS)).from(ORDERS)),
                new Case("a derived table (subquery in FROM)", select(count()).from(select(CUSTOMER).from(ORDERS).groupBy(CUSTOMER).asTable("t"))),
                new Case("EXCEPT", select(CUSTOMER).from(ORDERS).except(select(CUSTOMER).from(ORDERS).where(QTY.eq(1)))),
                new Case("function RAND", select(ID, DSL.rand()).from(ORDERS)),
                new Case("LIMIT … PERCENT", select(ID).from(ORDERS).orderBy(ID).limit(10).percent()),
                new Case("FETCH … WITH TIES", select(ID).from(ORDERS).orderBy(TOTAL).limit(10).withTies()),
                new Case("window function", select(ID, rowNumber().over().orderBy(ID)).from(ORDERS)),
                new Case("window function rank() over (", select(ID, rank().over(DSL.partitionBy(STATUS).orderBy(TOTAL.desc()))).from(ORDERS)),
                new Case("a join", select(ID).from(ORDERS.as("a")).join(ORDERS.as("b")).on(DSL.trueCondition())),
                new Case("a subquery", select(ID).from(ORDERS).where(TOTAL.gt(select(avg(TOTAL)).from(ORDERS)))),
                new Case("SELECT *", DSL.selectFrom(ORDERS)),
                new Case("floating-point SUM", select(sum(WEIGHT)).from(ORDERS)),
                new Case("plain SQL", select(ID).from(ORDERS).where(DSL.condition("id in (select id from orders)"))),
                new Case("a SELECT without FROM", select(count())));
        for (Case c : cases) {
            UnsupportedFanOutException e = assertThrows(UnsupportedFanOutException.class,
                    () -> FanOut.on(cluster).select(c.query()).fetch(), c.query().toString());
            assertTrue(e.construct().startsWith(c.construct()), c.construct() + " vs " + e.construct());
            assertEquals(io.shardkit.router.ShardException.Code.UNSUPPORTED, e.code());
            assertEquals(e.construct().replaceAll("\\s+", " "), e.construct(), "the construct is named on one line");
            assertTrue(e.getMessage().startsWith("cannot fan out this query: " + c.construct()), e.getMessage());
        }
        assertEquals("cannot fan out this query: a derived table (subquery in FROM) — each shard would compute it from its own"
                + " rows only; if the rows it groups always live on one shard, say so with assumeColocated()",
                assertThrows(UnsupportedFanOutException.class, () -> FanOut.on(cluster).select(select(count())
                        .from(select(CUSTOMER).from(ORDERS).groupBy(CUSTOMER).asTable("t"))).fetch()).getMessage());
        // refused before anything ran: no connection was taken
        cluster.poolStats().forEach(p -> assertEquals(0, p.active()));
        assertFalse(cases.isEmpty());
    }

    @Test
    void forEachShardReturnsEachShardsValueForTheCallerToCombine() {
        FanOutResult<ShardValue<Integer>> counts = FanOut.on(cluster).forEachShard(java.time.Duration.ofSeconds(5),
                dsl -> dsl.fetchCount(ORDERS));
        assertEquals(cluster.shards().stream().map(s -> s.id()).toList(), counts.rows().stream().map(ShardValue::shard).toList());
        assertEquals(600, counts.rows().stream().mapToInt(ShardValue::value).sum());
        FanOutException e = assertThrows(FanOutException.class, () -> FanOut.on(cluster).forEachShard(java.time.Duration.ofSeconds(5),
                dsl -> dsl.fetchCount(table(name("no_such_table")))));
        // every shard fails; the first to fail (shards run in parallel) is named
        assertTrue(e.getMessage().matches("(?s)\\[shard s[1-4]] failed: .*"), e.getMessage());
    }
}
