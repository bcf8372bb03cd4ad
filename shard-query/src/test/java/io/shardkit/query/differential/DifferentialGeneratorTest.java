package io.shardkit.query.differential;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkit.cluster.ShardCluster;
import io.shardkit.query.differential.OrdersData.Order;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;

/** The data and the queries are what the issue asks for, and the same for the same seed. */
class DifferentialGeneratorTest {
    static final long SEED = DifferentialSettings.DEFAULT_SEED;
    static final OrdersData DATA = OrdersData.generate(SEED, 3_000);
    static final DSLContext POSTGRES = DSL.using(SQLDialect.POSTGRES, ShardCluster.defaultJooqConfiguration().settings());

    // ---- data --------------------------------------------------------------------------------------------------

    @Test
    void theSameSeedGivesTheSameOrdersAndAnotherSeedOthers() {
        assertEquals(DATA.orders(), OrdersData.generate(SEED, 3_000).orders());
        assertNotEquals(DATA.orders(), OrdersData.generate(SEED + 1, 3_000).orders());
    }

    @Test
    void theOrdersHaveWhatTripsAMerge() {
        List<Order> orders = DATA.orders();
        assertEquals(3_000, orders.stream().map(Order::id).distinct().count(), "ids are unique");
        for (Function<Order, Object> column : List.<Function<Order, Object>>of(Order::status, Order::total, Order::quantity,
                Order::createdOn, Order::createdAt, Order::region)) {
            long nulls = orders.stream().map(column).filter(Objects::isNull).count();
            assertTrue(nulls > 100, "NULLs in every nullable column: " + nulls);
        }
        long distinctTotals = orders.stream().map(Order::total).filter(Objects::nonNull).distinct().count();
        assertTrue(distinctTotals < 2_000, "many duplicate totals: " + distinctTotals + " distinct");
        assertTrue(count(orders, o -> o.total() != null && o.total().signum() < 0) > 100, "negative totals");
        assertTrue(count(orders, o -> o.total() != null && o.total().compareTo(new BigDecimal("1000000000")) > 0) > 50, "large totals");
        assertTrue(count(orders, o -> o.id() > 1L << 61) > 50 && count(orders, o -> o.id() < -(1L << 61)) > 50, "huge ids both ways");
        assertTrue(count(orders, o -> o.quantity() != null && o.quantity() == Integer.MAX_VALUE) > 10, "quantities that overflow a SUM(int)");
        assertTrue(count(orders, o -> o.customerId() < 0) > 50, "negative shard keys");
        Set<String> statuses = new HashSet<>();
        orders.forEach(o -> statuses.add(o.status()));
        assertTrue(statuses.containsAll(List.of("new", "NEW", "New", "échec", "Échec", "straße", "日本", "", "paid ")), "statuses " + statuses);
        assertTrue(count(orders, o -> LocalDate.of(2000, 2, 29).equals(o.createdOn())) > 0, "a leap day");
        assertTrue(count(orders, o -> o.createdAt() != null && (o.createdAt().getHour() < 6 || o.createdAt().getHour() > 21)) == 0,
                "timestamps avoid the hours a time zone can skip");
        long sharedTimestamps = orders.size() - orders.stream().map(Order::createdAt).filter(Objects::nonNull).distinct().count()
                - count(orders, o -> o.createdAt() == null);
        assertTrue(sharedTimestamps > 300, "duplicate timestamps: " + sharedTimestamps);
    }

    // ---- queries -----------------------------------------------------------------------------------------------

    @Test
    void theSameSeedGivesTheSameQueriesAndAnotherSeedOthers() {
        List<String> a = sql(new QueryGenerator(SEED, DATA).generate(200));
        assertEquals(a, sql(new QueryGenerator(SEED, DATA).generate(200)));
        assertNotEquals(a, sql(new QueryGenerator(SEED + 1, DATA).generate(200)));
    }

    @Test
    void theDataHasCharTextDecimalsOfSeveralScalesAndColocatedLines() {
        List<Order> orders = DATA.orders();
        Set<String> modes = new HashSet<>();
        orders.forEach(o -> modes.add(o.shipMode()));
        assertTrue(modes.containsAll(Arrays.asList("MAIL", "mail", "AIR", "Air", "truck ", null)), "ship modes " + modes);
        assertTrue(count(orders, o -> o.note() == null) > 300 && count(orders, o -> "café".equals(o.note())) > 10, "notes");
        assertTrue(orders.stream().map(Order::weight).filter(Objects::nonNull).allMatch(w -> w.scale() == 4), "weight NUMERIC(15,4)");
        assertTrue(orders.stream().map(Order::points).filter(Objects::nonNull).allMatch(p -> p.scale() == 0), "points NUMERIC(10,0)");
        Map<Long, Long> customerOf = new java.util.HashMap<>();
        orders.forEach(o -> customerOf.put(o.id(), o.customerId()));
        assertTrue(DATA.lines().size() > 2_000, "lines: " + DATA.lines().size());
        assertTrue(DATA.lines().stream().allMatch(l -> customerOf.get(l.orderId()) == l.customerId()),
                "every line has its order's customer, so it lives on its order's shard");
        assertTrue(DATA.latin1().orders().stream().noneMatch(o -> "日本".equals(o.status())), "MariaDB's latin1 data");
    }

    @Test
    void threeThousandQueriesCoverEveryConstructAndEveryRefusableKind() {
        List<GeneratedQuery> queries = new QueryGenerator(SEED, DATA).generate(3_000);
        Map<Construct, Integer> coverage = new EnumMap<>(Construct.class);
        queries.forEach(q -> q.constructs().forEach(c -> coverage.merge(c, 1, Integer::sum)));
        for (Construct c : Construct.values()) {
            assertTrue(coverage.getOrDefault(c, 0) >= 10, c + " appears " + coverage.getOrDefault(c, 0) + " times: " + coverage);
        }
        Set<String> refusable = new HashSet<>();
        queries.forEach(q -> q.refusable().forEach(r -> refusable.add(r.key())));
        for (String r : List.of("derived table", "common table expression", "EXCEPT", "INTERSECT", "join", "subquery",
                "window function", "LIMIT PERCENT", "WITH TIES", "DISTINCT ON", "floating-point SUM", "floating-point AVG",
                "aggregate STRING_AGG", "aggregate ARRAY_AGG", "function LOWER", "plain SQL", "SELECT without FROM",
                "SELECT *", "nested aggregate", "GROUPING SETS", "ROLLUP", "CUBE", "string order")) {
            assertTrue(refusable.contains(r), "refusable " + r + " generated: " + refusable);
        }
        assertTrue(count(queries, GeneratedQuery::colocated) >= 200, "colocated queries");
        assertTrue(count(queries, GeneratedQuery::mustRefuse) >= 100, "queries relating rows across shard keys");
        assertTrue(count(queries, q -> q.colocated() && q.constructs().contains(Construct.JOIN)) >= 30, "colocated joins");
        assertTrue(count(queries, q -> q.colocated() && q.constructs().contains(Construct.CORRELATED_SUBQUERY)) >= 30,
                "colocated correlated subqueries");
        assertTrue(count(queries, q -> q.constructs().containsAll(Set.of(Construct.GROUP_BY, Construct.HAVING, Construct.LIMIT))) >= 10);
        assertTrue(count(queries, q -> q.constructs().containsAll(Set.of(Construct.DISTINCT, Construct.LIMIT))) >= 10);
        assertTrue(count(queries, q -> q.constructs().containsAll(Set.of(Construct.ORDER_BY_POSITION, Construct.OFFSET))) >= 10);
        assertTrue(count(queries, q -> q.constructs().containsAll(Set.of(Construct.AGGREGATE_EXPRESSION, Construct.GROUP_BY))) >= 50);
        for (ResultShape.Ordering o : ResultShape.Ordering.values()) {
            assertTrue(count(queries, q -> q.shape().ordering() == o) >= 200, o + " orderings");
        }
        assertTrue(count(queries, q -> q.shape().limitMayCutTies()) >= 100, "LIMITs that may cut ties");
        long answerable = count(queries, q -> !q.isRefusable());
        assertTrue(answerable > 450, "queries with no refusable construct: " + answerable);
    }

    @Test
    void expressionsNestAsDeepAsTheGrammarAllows() {
        // A grammar, not templates: the 3,000 queries are nearly all different (the refusable kinds repeat more).
        List<String> sql = sql(new QueryGenerator(SEED, DATA).generate(3_000));
        assertTrue(new HashSet<>(sql).size() > 2_500, "distinct queries: " + new HashSet<>(sql).size());
        assertTrue(sql.stream().anyMatch(s -> s.matches(".*case when .*coalesce\\(.*")), "CASE around COALESCE");
    }

    @Test
    void theFirstQueriesOfTheCiSeedArePinned() {
        // A change to the data or the generator changes CI's whole run: it should show here, not go unnoticed.
        assertEquals(List.of(PINNED), sql(new QueryGenerator(SEED, DATA).generate(3)));
    }

    static final String[] PINNED = {
            "select status as c0, coalesce(region, 'none') as k1, sum(total) as c2, cast(avg(total) as numeric(20, 2)) as c3 "
                    + "from orders group by status, coalesce(region, 'none') order by c2 asc, "
                    + "cast(avg(total) as numeric(20, 2)) asc nulls first, status asc, k1 desc nulls last",
            "select (sum(total) / nullif(sum(coalesce(total, -0.01)), 0)) as c0, avg((total * -1)), sum(quantity) as c2 "
                    + "from orders where coalesce(created_at, timestamp '2026-02-18 11:12:43.0') = timestamp '2026-10-24 20:47:22.0'",
            "select count(*) as c0, sum(t.s) as c1, max(t.m) as c2 from (select customer_id as k, count(*) as n, "
                    + "sum(total) as s, max(created_on) as m from orders group by customer_id) as t where t.n > 1"};

    private static List<String> sql(List<GeneratedQuery> queries) {
        return queries.stream().map(q -> POSTGRES.renderInlined(q.select())).toList();
    }

    private static <T> long count(List<T> items, Predicate<T> p) {
        return items.stream().filter(p).count();
    }

    @Test
    void aRefusalNamesARefusableConstructIgnoringCaseAndPunctuationButNotLess() {
        assertTrue(Refusable.STRING_ORDER.accepts("string order (collation latin1_swedish_ci)"));
        assertTrue(Refusable.SELECT_STAR.accepts("SELECT *"));
        assertTrue(!Refusable.SELECT_STAR.accepts("SELECT without FROM") && !Refusable.NO_FROM.accepts("SELECT *"));
        assertTrue(Refusable.function("LOWER", "LCASE").accepts("function lower"));
        assertTrue(!Refusable.function("LOWER").accepts("function UPPER") && !Refusable.function("LOWER").accepts("function"));
        assertTrue(Refusable.aggregate("STRING_AGG", "LISTAGG").accepts("aggregate LISTAGG"));
        assertTrue(Refusable.COUNT_DISTINCT.accepts("aggregate COUNT(DISTINCT)") && !Refusable.COUNT_DISTINCT.accepts("COUNT"));
        assertTrue(Refusable.CTE.accepts("common table expressions") && Refusable.WITH_TIES.accepts("FETCH FIRST n ROWS WITH TIES"));
        assertTrue(Refusable.FLOAT_SUM.accepts("floating-point SUM") && !Refusable.FLOAT_SUM.accepts("floating-point AVG"));
    }
}
