package io.shardkit.query.differential;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkit.query.differential.OrdersData.Order;
import io.shardkit.router.ShardCluster;
import java.math.BigDecimal;
import java.time.LocalDate;
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
    void aThousandQueriesCoverEveryConstructAndTheirCombinations() {
        List<GeneratedQuery> queries = new QueryGenerator(SEED, DATA).generate(1_000);
        Map<Construct, Integer> coverage = new EnumMap<>(Construct.class);
        queries.forEach(q -> q.constructs().forEach(c -> coverage.merge(c, 1, Integer::sum)));
        for (Construct c : Construct.values()) {
            assertTrue(coverage.getOrDefault(c, 0) >= 15, c + " appears " + coverage.getOrDefault(c, 0) + " times: " + coverage);
        }
        assertTrue(count(queries, q -> q.constructs().containsAll(Set.of(Construct.GROUP_BY, Construct.HAVING, Construct.LIMIT))) >= 10);
        assertTrue(count(queries, q -> q.constructs().containsAll(Set.of(Construct.DISTINCT, Construct.LIMIT))) >= 10);
        assertTrue(count(queries, q -> q.constructs().containsAll(Set.of(Construct.ORDER_BY_3, Construct.OFFSET))) >= 10);
        assertTrue(count(queries, q -> q.constructs().containsAll(Set.of(Construct.WHERE, Construct.AVG))) >= 10);
        for (ResultShape.Ordering o : ResultShape.Ordering.values()) {
            assertTrue(count(queries, q -> q.shape().ordering() == o) >= 100, o + " orderings");
        }
        assertTrue(count(queries, q -> q.shape().limitMayCutTies()) >= 50, "LIMITs that may cut ties");
        for (Refusable r : Refusable.values()) {
            assertTrue(count(queries, q -> q.refusable().equals(java.util.Optional.of(r))) >= 10, "refusable " + r);
        }
        long refusable = count(queries, q -> q.refusable().isPresent());
        assertTrue(refusable > 40 && refusable < 120, "about 8% made refusable: " + refusable);
    }

    @Test
    void theFirstQueriesOfTheCiSeedArePinned() {
        // A change to the data or the generator changes CI's whole run: it should show here, not go unnoticed.
        assertEquals(List.of(
                "select created_on, max(quantity) as a0 from orders group by created_on having sum(total) > 0.00",
                "select distinct quantity, region, created_on from orders",
                "select created_on, status, total, customer_id, id from orders where (region is distinct from 'eu' and id "
                        + "between 4588611 and 6588611) order by id asc",
                "select distinct quantity from orders order by quantity desc nulls first offset 20 rows"),
                sql(new QueryGenerator(SEED, DATA).generate(4)));
    }

    private static List<String> sql(List<GeneratedQuery> queries) {
        return queries.stream().map(q -> POSTGRES.renderInlined(q.select())).toList();
    }

    private static <T> long count(List<T> items, Predicate<T> p) {
        return items.stream().filter(p).count();
    }
}
