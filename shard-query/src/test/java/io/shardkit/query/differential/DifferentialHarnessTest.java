package io.shardkit.query.differential;

import static io.shardkit.query.differential.OrdersData.CUSTOMER_ID;
import static io.shardkit.query.differential.OrdersData.ID;
import static io.shardkit.query.differential.OrdersData.ORDERS;
import static io.shardkit.query.differential.OrdersData.STATUS;
import static io.shardkit.query.differential.OrdersData.TOTAL;
import static org.jooq.impl.DSL.count;
import static org.jooq.impl.DSL.countDistinct;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.orderBy;
import static org.jooq.impl.DSL.rowNumber;
import static org.jooq.impl.DSL.select;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkit.cluster.ShardCluster;
import io.shardkit.query.UnsupportedFanOutException;
import io.shardkit.query.differential.DifferentialHarness.Outcome;
import io.shardkit.query.differential.DifferentialHarness.Verdict;
import io.shardkit.test.Engine;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jooq.Record;
import org.jooq.Select;
import org.jooq.SelectLimitStep;
import org.jooq.impl.SQLDataType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The harness itself, on H2 and 4 shards: with the concatenating stand-in, which merges nothing, it must find the
 * queries that need a merge wrong and the ones that do not equal; and it must sort refusals and errors correctly.
 */
class DifferentialHarnessTest {
    static final long SEED = DifferentialSettings.DEFAULT_SEED;
    static OrdersData data;
    static ShardedOrders orders;
    static ShardCluster cluster;

    @BeforeAll
    static void load() {
        data = OrdersData.generate(SEED, 3_000);
        orders = ShardedOrders.start(Engine.H2, data, 4);
        cluster = orders.cluster(4);
    }

    @AfterAll
    static void close() {
        if (orders != null) orders.close();
    }

    static DifferentialHarness harness(FanOutRunner runner) {
        return new DifferentialHarness(orders.reference(), runner);
    }

    static GeneratedQuery query(GeneratedQuery.SelectBuilder builder, ResultShape shape) {
        return new GeneratedQuery(1, builder, shape, Set.of(), Set.of());
    }

    static GeneratedQuery refusable(Refusable construct, GeneratedQuery.SelectBuilder builder, ResultShape shape) {
        return new GeneratedQuery(1, builder, shape, Set.of(construct), Set.of());
    }

    static FanOutRunner refusing(String construct) {
        return (c, q, colocated) -> {
            throw new UnsupportedFanOutException(construct, "test refusal");
        };
    }

    // ---- the stand-in is caught ----------------------------------------------------------------------------------

    @Test
    void concatenatingAnOrderByLimitIsCaughtAsWrong() {
        GeneratedQuery top10 = query(withLimit -> {
            SelectLimitStep<?> q = select(ID, TOTAL).from(ORDERS).orderBy(TOTAL.desc().nullsLast(), ID);
            return withLimit ? q.limit(10) : q;
        }, ResultShape.total());
        Outcome o = harness(FanOutRunner.CONCATENATING_STAND_IN).check(top10, cluster);
        assertEquals(Verdict.WRONG, o.verdict());
        assertTrue(o.detail().startsWith("expected 10 rows, got 40: missing "), o.detail());
    }

    @Test
    void concatenatingAnOrderByIsCaughtAsWrongEvenWithTheRightRows() {
        GeneratedQuery all = query(w -> select(ID, STATUS).from(ORDERS).where(TOTAL.gt(new BigDecimal("100"))).orderBy(ID),
                ResultShape.total());
        Outcome o = harness(FanOutRunner.CONCATENATING_STAND_IN).check(all, cluster);
        assertEquals(Verdict.WRONG, o.verdict());
        assertTrue(o.detail().matches("row \\d+ differs \\(ORDER BY is total\\) \\(the same rows, in another order\\).*"), o.detail());
    }

    @Test
    void concatenatingACountIsCaughtAsWrong() {
        GeneratedQuery n = query(w -> select(count()).from(ORDERS), ResultShape.total());
        Outcome o = harness(FanOutRunner.CONCATENATING_STAND_IN).check(n, cluster);
        assertEquals(Verdict.WRONG, o.verdict());
        assertTrue(o.detail().startsWith("expected 1 rows, got 4: missing 1 row(s) e.g. [3000]"), o.detail());
    }

    @Test
    void concatenatingAFilterIsEqualBecauseNothingNeedsMerging() {
        GeneratedQuery filter = query(w -> select(ID, STATUS, TOTAL).from(ORDERS).where(TOTAL.gt(new BigDecimal("100"))),
                ResultShape.unordered());
        Outcome o = harness(FanOutRunner.CONCATENATING_STAND_IN).check(filter, cluster);
        assertEquals(Verdict.EQUAL, o.verdict(), o.detail());
        assertTrue(o.expected().size() > 500, "a filter with many rows: " + o.expected().size());
    }

    @Test
    void aStandInRunIsWrongWhereShardsMustBeMergedAndEqualWhereNot() {
        List<GeneratedQuery> queries = new QueryGenerator(SEED, data).generate(500);
        DifferentialHarness harness = harness(FanOutRunner.CONCATENATING_STAND_IN);

        // Filters and row-level expressions need no merge: no ORDER BY, LIMIT, aggregate, DISTINCT or set operation.
        Set<Construct> filterOnly = EnumSet.of(Construct.PROJECTION, Construct.WHERE, Construct.AND_OR_NOT,
                Construct.COMPARISON, Construct.BETWEEN, Construct.IN_LIST, Construct.LIKE, Construct.IS_NULL,
                Construct.BIND_VALUE, Construct.INLINE_VALUE, Construct.ARITHMETIC, Construct.CASE, Construct.COALESCE,
                Construct.NULLIF, Construct.CAST, Construct.LOWER_UPPER, Construct.TRIM, Construct.SUBSTRING,
                Construct.CONCAT, Construct.EXTRACT_YEAR, Construct.CHAR_COLUMN, Construct.TEXT_COLUMN);
        List<String> filtersNotEqual = new ArrayList<>();
        int filters = 0;
        for (GeneratedQuery q : queries) {
            if (filterOnly.containsAll(q.constructs())) {
                filters++;
                Outcome o = harness.check(q, cluster);
                if (o.verdict() != Verdict.EQUAL) filtersNotEqual.add(harness.sql(q) + ": " + o.detail());
            }
        }
        assertTrue(filters >= 15, "filter-only queries: " + filters);
        assertEquals(List.of(), filtersNotEqual, "a filter needs no merge, so concatenation is right");

        DifferentialReport r = harness.run(SEED, queries, Map.of("H2, 4 shards", cluster)).get("H2, 4 shards");
        System.out.println("[differential] stand-in self-test: " + r.summary());
        assertAll(
                () -> assertEquals(500, r.run()),
                () -> assertEquals(r.run(), r.equal() + r.refused() + r.failed(), "every query counted once"),
                () -> assertEquals(0, r.invalid(), r::render),
                () -> assertTrue(r.wrong() > r.run() / 3, "most queries need a merge: " + r.summary()),
                () -> assertEquals(DifferentialReport.LISTED,
                        r.failures().stream().filter(f -> f.kind() == DifferentialReport.Kind.WRONG).count()),
                () -> assertTrue(r.render().contains("#" + r.failures().getFirst().query() + " WRONG: select "), r.render()));
    }

    // ---- refusals and errors -----------------------------------------------------------------------------------

    static final GeneratedQuery WINDOW = refusable(Refusable.WINDOW_FUNCTION,
            w -> select(ID, rowNumber().over(orderBy(ID))).from(ORDERS).orderBy(ID), ResultShape.total());
    static final GeneratedQuery COUNT_DISTINCT = refusable(Refusable.COUNT_DISTINCT,
            w -> select(countDistinct(CUSTOMER_ID)).from(ORDERS), ResultShape.total());
    static final GeneratedQuery PLAIN = query(w -> select(ID).from(ORDERS).where(ID.lt(0L)), ResultShape.unordered());

    @Test
    void aRefusalNamingTheGeneratedConstructIsARefusal() {
        Outcome o = harness(refusing("window function")).check(WINDOW, cluster);
        assertEquals(Verdict.REFUSED, o.verdict());
        assertEquals("window function", o.construct());
        assertEquals(Verdict.REFUSED, harness(refusing("COUNT(DISTINCT ...)")).check(COUNT_DISTINCT, cluster).verdict());
    }

    @Test
    void aRefusalNamingAnotherConstructIsAFailure() {
        Outcome o = harness(refusing("COUNT")).check(COUNT_DISTINCT, cluster);
        assertEquals(Verdict.MISREFUSED, o.verdict());
        assertEquals("refusable for [COUNT(DISTINCT)], but refused for 'COUNT': cannot fan out this query: COUNT — test refusal",
                o.detail());
    }

    @Test
    void aRefusedAnswerableQueryIsCountedByItsConstruct() {
        GeneratedQuery numbered = new GeneratedQuery(7, PLAIN.builder(), PLAIN.shape(), Set.of(), Set.of(Construct.WHERE));
        DifferentialReport r = harness(refusing("OFFSET")).run(SEED, List.of(numbered, WINDOW), Map.of("c", cluster)).get("c");
        assertAll(
                () -> assertEquals(1, r.refused(), "the plain query, refused for OFFSET"),
                () -> assertEquals(Map.of("OFFSET", 1), r.refusedByConstruct()),
                () -> assertEquals(0, r.refusedAsGenerated()),
                () -> assertEquals(1, r.misrefused(), "the window query, refused for OFFSET"),
                () -> assertEquals(Map.of("OFFSET", 1), r.misrefusedByConstruct()),
                () -> assertEquals(1, r.failures().size()),
                () -> assertEquals(DifferentialReport.Kind.MISREFUSED, r.failures().getFirst().kind()));
    }

    @Test
    void anExceptionFromTheFanOutIsAnError() {
        Outcome o = harness((c, q, colocated) -> {
            throw new IllegalStateException("shard s2 timed out");
        }).check(PLAIN, cluster);
        assertEquals(Verdict.ERROR, o.verdict());
        assertEquals("the fan-out threw IllegalStateException: shard s2 timed out", o.detail());
    }

    @Test
    void aQueryTheSingleDatabaseRejectsIsInvalidNotAFanOutFailure() {
        GeneratedQuery broken = query(w -> select(field(name("no_such_column"), SQLDataType.INTEGER)).from(ORDERS),
                ResultShape.unordered());
        Outcome o = harness(FanOutRunner.CONCATENATING_STAND_IN).check(broken, cluster);
        assertEquals(Verdict.INVALID, o.verdict());
        assertTrue(o.detail().startsWith("the single database rejects this query, which the generator meant to be answerable: "),
                o.detail());
    }

    @Test
    void aRefusableQueryTheSingleDatabaseCannotRunMustBeRefused() {
        // As LIMIT PERCENT on PostgreSQL: no answer to compare with, so only a refusal is right.
        Select<?> unrunnable = select(field(name("no_such_column"), SQLDataType.INTEGER)).from(ORDERS);
        GeneratedQuery percent = refusable(Refusable.LIMIT_PERCENT, w -> unrunnable, ResultShape.total());
        assertEquals(Verdict.REFUSED, harness(refusing("LIMIT PERCENT")).check(percent, cluster).verdict());
        // passed on to the shards, it is rejected by their database as by the single one: both answer alike
        Outcome passedOn = harness(FanOutRunner.CONCATENATING_STAND_IN).check(percent, cluster);
        assertEquals(Verdict.REFUSED, passedOn.verdict());
        assertEquals("rejected by the database", passedOn.construct());
        // anything else thrown is an error
        Outcome threw = harness((c, q, colocated) -> {
            throw new IllegalStateException("not a database's answer");
        }).check(percent, cluster);
        assertEquals(Verdict.ERROR, threw.verdict());
        assertTrue(threw.detail().contains("so a fan-out must refuse it as one of [LIMIT PERCENT]; instead it threw"), threw.detail());
        Outcome answered = harness((c, q, colocated) -> List.of()).check(percent, cluster);
        assertEquals(Verdict.ERROR, answered.verdict());
        assertTrue(answered.detail().endsWith("so a fan-out must refuse it as one of [LIMIT PERCENT]; instead it answered"), answered.detail());
    }

    // ---- colocation and collation --------------------------------------------------------------------------------

    @Test
    void aQueryRelatingRowsAcrossShardKeysMustBeRefusedNotAnswered() {
        GeneratedQuery acrossCustomers = new GeneratedQuery(1,
                w -> select(count()).from(select(STATUS).from(ORDERS).groupBy(STATUS).asTable("t")), ResultShape.total(),
                Set.of(Refusable.DERIVED_TABLE), Set.of(Construct.DERIVED_TABLE), false, true);
        Outcome answered = harness(FanOutRunner.CONCATENATING_STAND_IN).check(acrossCustomers, cluster);
        assertEquals(Verdict.WRONG, answered.verdict());
        assertTrue(answered.detail().contains("without assumeColocated()") && answered.detail().endsWith("it must be refused"),
                answered.detail());
        assertEquals(Verdict.REFUSED, harness(refusing("derived table")).check(acrossCustomers, cluster).verdict());
    }

    @Test
    void theRunnerIsToldWhichQueriesAreColocated() {
        List<Boolean> told = new ArrayList<>();
        FanOutRunner recording = (c, q, colocated) -> {
            told.add(colocated);
            return FanOutRunner.CONCATENATING_STAND_IN.run(c, q, colocated);
        };
        GeneratedQuery colocated = new GeneratedQuery(1, PLAIN.builder(), PLAIN.shape(), Set.of(Refusable.SUBQUERY),
                Set.of(Construct.COLOCATED), true, false);
        harness(recording).check(colocated, cluster);
        harness(recording).check(PLAIN, cluster);
        assertEquals(List.of(true, false), told);
    }

    @Test
    void stringsAreEqualUnderTheCollationOnlyWhenTheReferenceDatabaseSaysSo() {
        // H2's default collation tells every two different strings apart, case and trailing blanks included.
        CollationEquality h2 = new CollationEquality(orders.reference());
        assertTrue(h2.equal("new", "new"));
        assertTrue(!h2.equal("new", "NEW") && !h2.equal("paid", "paid ") && !h2.equal("échec", "Échec"));
        assertEquals("NEW", h2.apply("NEW"));
        assertEquals("new", h2.apply("new"), "a class of its own, though it folds like NEW");
    }
}
