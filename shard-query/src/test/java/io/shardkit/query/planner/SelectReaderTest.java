package io.shardkit.query.planner;

import static org.jooq.impl.DSL.avg;
import static org.jooq.impl.DSL.count;
import static org.jooq.impl.DSL.countDistinct;
import static org.jooq.impl.DSL.currentTimestamp;
import static org.jooq.impl.DSL.exists;
import static org.jooq.impl.DSL.extract;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.inline;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.rollup;
import static org.jooq.impl.DSL.select;
import static org.jooq.impl.DSL.selectOne;
import static org.jooq.impl.DSL.sum;
import static org.jooq.impl.DSL.table;
import static org.jooq.impl.DSL.when;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkit.query.UnsupportedFanOutException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import org.jooq.DatePart;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Select;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.junit.jupiter.api.Test;

/** The allowlist, without a database: what each shape is read as, and what is refused by which name. */
class SelectReaderTest {
    static final Table<Record> LINES = table(name("lineitem"));
    static final Table<Record> ORDERS = table(name("orders"));
    static final Field<Long> ORDER = field(name("l_orderkey"), SQLDataType.BIGINT);
    static final Field<String> FLAG = field(name("l_returnflag"), SQLDataType.CHAR(1));
    static final Field<BigDecimal> PRICE = field(name("l_extendedprice"), SQLDataType.DECIMAL(15, 2));
    static final Field<BigDecimal> DISCOUNT = field(name("l_discount"), SQLDataType.DECIMAL(15, 2));
    static final Field<LocalDate> SHIPDATE = field(name("l_shipdate"), SQLDataType.LOCALDATE);
    static final Field<Double> WEIGHT = field(name("l_weight"), SQLDataType.DOUBLE);
    static final Field<Long> O_KEY = field(name("orders", "o_orderkey"), SQLDataType.BIGINT);

    private static QueryShape read(Select<?> q) {
        return SelectReader.read(q, false);
    }

    private static String refusal(Select<?> q, boolean colocated) {
        UnsupportedFanOutException e = assertThrows(UnsupportedFanOutException.class, () -> SelectReader.read(q, colocated), q::toString);
        assertEquals(e.construct().replaceAll("\\s+", " "), e.construct(), "named on one line");
        return e.construct();
    }

    @Test
    void everydayAndAnalyticalShapesAreAccepted() {
        Field<BigDecimal> revenue = PRICE.mul(inline(BigDecimal.ONE).sub(DISCOUNT));
        List<Select<?>> accepted = List.of(
                select(FLAG, sum(PRICE), sum(revenue), avg(DISCOUNT), count()).from(LINES)
                        .where(SHIPDATE.le(DSL.localDateSub(inline(LocalDate.of(1998, 12, 1)), 90, DatePart.DAY)))
                        .groupBy(FLAG).orderBy(FLAG),
                select(inline(new BigDecimal("100.00")).mul(sum(when(FLAG.eq("R"), revenue).otherwise(BigDecimal.ZERO))).div(sum(revenue)))
                        .from(LINES),
                select(extract(SHIPDATE, DatePart.YEAR).as("y"), countDistinct(ORDER)).from(LINES).groupBy(extract(SHIPDATE, DatePart.YEAR))
                        .orderBy(inline(2).desc()),
                select(FLAG, sum(PRICE).filterWhere(DISCOUNT.gt(BigDecimal.ZERO))).from(LINES).groupBy(rollup(FLAG)),
                select(ORDER, PRICE).from(LINES).orderBy(field(name("l_extendedprice")).desc(), ORDER).limit(10).offset(5),
                select(ORDER).from(LINES).unionAll(select(ORDER).from(LINES)).orderBy(inline(1)).limit(3),
                DSL.selectDistinct(FLAG).from(LINES).orderBy(FLAG));
        for (Select<?> q : accepted) read(q);
        assertEquals(QueryShape.Kind.DATABASE_MERGE, read(accepted.getFirst()).kind());
        assertEquals(QueryShape.Kind.PLAIN, read(accepted.get(4)).kind());
        assertEquals(1, read(accepted.get(4)).orderBy().getFirst().column(), "an alias resolves to its column");
        assertEquals(QueryShape.Kind.UNION_ALL, read(accepted.get(5)).kind());
    }

    @Test
    void everythingElseIsRefusedByName() {
        assertEquals("function RAND", refusal(select(ORDER, DSL.rand()).from(LINES), false));
        assertEquals("function CURRENT_TIMESTAMP", refusal(select(ORDER).from(LINES).where(SHIPDATE.lt(currentTimestamp().cast(LocalDate.class))), false));
        assertEquals("function MY_UDF", refusal(select(DSL.function("my_udf", Long.class, ORDER)).from(LINES), false));
        assertEquals("aggregate STDDEV_SAMP", refusal(select(DSL.stddevSamp(PRICE)).from(LINES), false));
        assertTrue(refusal(select(DSL.field("l_price * 2")).from(LINES), false).startsWith("plain SQL"));
        assertTrue(refusal(select(sum(WEIGHT)).from(LINES), false).startsWith("floating-point SUM"));
        assertTrue(refusal(select(count()).from(select(ORDER).from(LINES).groupBy(ORDER).asTable("t")), false).startsWith("a derived table"));
        assertTrue(refusal(select(ORDER).from(LINES).where(exists(selectOne().from(ORDERS).where(O_KEY.eq(ORDER)))), false).startsWith("a subquery"));
        assertEquals("INTERSECT", refusal(select(ORDER).from(LINES).intersect(select(ORDER).from(LINES)), false));
        assertEquals("a join", refusal(select(ORDER).from(LINES.join(ORDERS).on(O_KEY.eq(ORDER))), false));
        assertTrue(refusal(select(ORDER, DSL.rowNumber().over().orderBy(ORDER)).from(LINES), false).startsWith("window function"));
        assertTrue(refusal(select(sum(PRICE)).from(LINES).where(sum(PRICE).gt(BigDecimal.ONE)), false).startsWith("nested aggregate"));
        assertEquals("column \"l_extendedprice\" outside GROUP BY", refusal(select(FLAG, PRICE).from(LINES).groupBy(FLAG), false));
        assertEquals("a SELECT without FROM", refusal(select(count()), false));
        assertEquals("ORDER BY 3", refusal(select(ORDER, PRICE).from(LINES).orderBy(inline(3)), false));
        // colocated: subqueries and joins run per shard — but never after grouping, where one database would run them
        SelectReader.read(select(ORDER).from(LINES).where(exists(selectOne().from(ORDERS).where(O_KEY.eq(ORDER)))), true);
        assertTrue(refusal(select(FLAG, sum(PRICE)).from(LINES).groupBy(FLAG)
                .having(sum(PRICE).gt(select(sum(PRICE).mul(inline(new BigDecimal("0.1")))).from(LINES))), true)
                .startsWith("a subquery after grouping"));
    }
}
