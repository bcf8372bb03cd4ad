package io.shardkit.query.planner;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jooq.DataType;
import org.jooq.Field;
import org.jooq.QueryPart;
import org.jooq.SQLDialect;
import org.jooq.Select;
import org.jooq.SortField;
import org.jooq.Table;
import org.jooq.VisitContext;
import org.jooq.VisitListener;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * The query one database runs over the collected partial rows (a temporary table) to finish a
 * {@link QueryShape.Kind#DATABASE_MERGE}: the user's own query with FROM the partial rows, no WHERE, and — as it
 * renders — every group key replaced by its column and every aggregate by the aggregate of its parts. So HAVING,
 * expressions over aggregates, ORDER BY (positions and aliases too), DISTINCT, LIMIT and OFFSET are evaluated by the
 * database, with its types, scales, collations and CHAR semantics.
 *
 * @param select  the query to run
 * @param rewrite the listener that makes the replacements; run {@code select} with it
 */
public record FinalQuery(Select<?> select, VisitListener rewrite) {

    /** The partial rows' columns, in the order the per-shard query returns them (for a UNION: its outputs). */
    public static List<String> partialColumns(QueryShape shape) {
        List<String> names = new ArrayList<>();
        if (shape.mergesRows()) {
            for (int i = 0; i < shape.outputs().size() + shape.hidden().size(); i++) names.add("c" + i);
            return names;
        }
        MergeLayout layout = new MergeLayout(shape);
        for (int i = 0; i < layout.keys.size(); i++) names.add(MergeLayout.key(i));
        for (int i = 0; i < layout.distinctArguments.size(); i++) names.add(MergeLayout.distinct(i));
        layout.parts.forEach(p -> names.addAll(p.columns()));
        return names;
    }

    /**
     * The expression each partial column holds a value of (a key, a DISTINCT value, an aggregate's argument; null for
     * a COUNT), aligned with {@link #partialColumns}.
     */
    static List<Field<?>> partialSources(QueryShape shape) {
        List<Field<?>> sources = new ArrayList<>();
        if (shape.mergesRows()) {
            shape.outputs().forEach(f -> sources.add(SelectReader.unalias(f)));
            sources.addAll(shape.hidden());
            return sources;
        }
        MergeLayout layout = new MergeLayout(shape);
        sources.addAll(layout.keys);
        sources.addAll(layout.distinctArguments);
        for (MergeLayout.Part p : layout.parts) {
            Field<?> arg = p.call().kind() == Aggregates.Kind.COUNT ? null : p.call().argument();
            for (int i = 0; i < p.columns().size(); i++) sources.add(i == 1 ? null : arg); // AVG: sum, count, avg
        }
        return sources;
    }

    /**
     * @param partials   the table holding the partial rows
     * @param columnType the database type of each partial column, by name (as the database created it)
     */
    public static FinalQuery of(QueryShape shape, Table<?> partials, Function<String, DataType<?>> columnType,
                                SQLDialect dialect) {
        if (shape.mergesRows()) return rows(shape, partials);
        MergeLayout layout = new MergeLayout(shape);
        // lists, not maps: jOOQ's equals and hashCode ignore an aggregate's FILTER
        List<Map.Entry<Field<?>, Field<?>>> keys = new ArrayList<>();
        for (int i = 0; i < layout.keys.size(); i++) {
            keys.add(Map.entry(layout.keys.get(i), DSL.field(DSL.name(MergeLayout.key(i)), layout.keys.get(i).getDataType())));
        }
        List<Map.Entry<Field<?>, Field<?>>> aggregates = new ArrayList<>();
        for (MergeLayout.Part p : layout.parts) aggregates.add(Map.entry(p.aggregate(), combine(p, columnType, dialect)));
        Select<?> q = shape.original().$from(List.of(partials)).$where(null);
        if (q.$with() != null) q = q.$with(null);
        VisitListener rewrite = new VisitListener() {
            @Override
            public void visitStart(VisitContext ctx) {
                QueryPart p = ctx.queryPart();
                if (p == null) return;
                Field<?> replacement = lookup(aggregates, p);
                if (replacement == null) replacement = lookup(keys, p);
                if (replacement != null) ctx.queryPart(replacement);
            }
        };
        return new FinalQuery(q, rewrite);
    }

    private static Field<?> lookup(List<Map.Entry<Field<?>, Field<?>>> replacements, QueryPart p) {
        if (!(p instanceof Field<?>)) return null;
        for (Map.Entry<Field<?>, Field<?>> e : replacements) {
            if (Parts.same(e.getKey(), p)) return e.getValue();
        }
        return null;
    }

    /** An aggregate of all rows, from its parts. */
    private static Field<?> combine(MergeLayout.Part p, Function<String, DataType<?>> columnType, SQLDialect dialect) {
        Aggregates.Call c = p.call();
        if (p.columns().isEmpty()) {
            String column = MergeLayout.distinct(p.distinctColumn());
            if (c.kind() != Aggregates.Kind.COUNT && floating(columnType.apply(column))) throw floatingSum(p);
            Field<?> values = DSL.field(DSL.name(column), c.argument().getDataType());
            return switch (c.kind()) {
                case COUNT -> DSL.countDistinct(values);
                case SUM -> DSL.sumDistinct(number(values));
                case AVG -> DSL.avgDistinct(number(values));
                case MIN, MAX -> throw new IllegalStateException("MIN/MAX(DISTINCT) merge as MIN/MAX");
            };
        }
        String column = p.columns().getFirst();
        DataType<?> type = columnType.apply(column);
        if ((c.kind() == Aggregates.Kind.SUM || c.kind() == Aggregates.Kind.AVG) && floating(type)) throw floatingSum(p);
        Field<?> part = DSL.field(DSL.name(column), type);
        return switch (c.kind()) {
            // a COUNT of no rows is 0, and the sum of counts is wider than a count: bring it back to the count's type
            case COUNT -> DSL.coalesce(DSL.sum(number(part)), DSL.inline(BigDecimal.ZERO)).cast(type);
            // a sum of sums is wider than the sum (PostgreSQL: BIGINT into NUMERIC; H2: NUMERIC(25,2) into NUMERIC(35,2),
            // which changes the scale of a division by it): it keeps the part's type. PostgreSQL's NUMERIC has no typmod.
            case SUM -> dialect.family() != SQLDialect.POSTGRES || integral(type) ? DSL.sum(number(part)).cast(type)
                    : DSL.sum(number(part));
            case MIN -> DSL.min(part);
            case MAX -> DSL.max(part);
            case AVG -> average(p, columnType, dialect);
        };
    }

    /** AVG as the database computes it: the sum of all rows divided by their count, in AVG's own type. */
    private static Field<?> average(MergeLayout.Part p, Function<String, DataType<?>> columnType, SQLDialect dialect) {
        Field<BigDecimal> sum = DSL.sum(number(DSL.field(DSL.name(p.columns().get(0)), columnType.apply(p.columns().get(0)))));
        Field<BigDecimal> count = DSL.sum(number(DSL.field(DSL.name(p.columns().get(1)), columnType.apply(p.columns().get(1)))));
        DataType<?> avgType = columnType.apply(p.columns().get(2));
        Field<BigDecimal> nonZero = DSL.nullif(count, DSL.inline(BigDecimal.ZERO));
        if (floating(avgType)) {
            // H2 averages INTEGER columns in DOUBLE PRECISION: an exact sum and count, divided once in floating point
            return sum.cast(SQLDataType.DOUBLE).div(nonZero.cast(SQLDataType.DOUBLE));
        }
        if (dialect.family() == SQLDialect.POSTGRES) {
            // numeric_avg is numeric_div(sum, count): the same division, with the same scale and rounding
            return sum.div(nonZero);
        }
        if (dialect.family() == SQLDialect.H2) {
            // H2 divides the exact sum at AVG's scale rounding half down (ties toward zero), where CAST rounds half up:
            // round |q| * 10^scale half down as ceil(x - 0.5). H2's quotient has tens of digits more than AVG's scale,
            // and a quotient of a count cannot lie that close to a tie without being one.
            Field<BigDecimal> q = sum.div(nonZero);
            Field<BigDecimal> shift = DSL.inline(BigDecimal.TEN.pow(Math.max(0, avgType.scale())));
            Field<BigDecimal> halfDown = DSL.ceil(DSL.abs(q).mul(shift).sub(DSL.inline(new BigDecimal("0.5")))).div(shift);
            return halfDown.mul(DSL.sign(q)).cast(avgType);
        }
        // MySQL and MariaDB: AVG is the same decimal division, whose value keeps more digits than its type shows (it
        // computes in nine-digit words); a cast to AVG's type would round it once too often for an enclosing CAST
        return sum.div(nonZero);
    }

    /**
     * Rows: for a UNION, the distinct rows of every shard's branches (by UNION itself, not DISTINCT: engines type a
     * UNION's columns their own way — H2 returns CHAR(n) unpadded); for rows a streamed merge could not sort, those
     * rows; then the ORDER BY, LIMIT and OFFSET.
     */
    private static FinalQuery rows(QueryShape shape, Table<?> partials) {
        List<Field<?>> columns = new ArrayList<>();
        List<Field<?>> types = new ArrayList<>(shape.outputs());
        types.addAll(shape.hidden());
        for (int i = 0; i < types.size(); i++) {
            columns.add(DSL.field(DSL.name("c" + i), SelectReader.unalias(types.get(i)).getDataType()));
        }
        // A set operation is merged by one too: engines type a set operation's columns their own way
        boolean setOperation = shape.union || shape.streamedAs == QueryShape.Kind.UNION_ALL;
        List<SortField<?>> order = new ArrayList<>();
        for (QueryShape.SortKey k : shape.unionOrder) {
            Field<?> column = setOperation ? DSL.inline(k.column() + 1) : columns.get(k.column());
            SortField<?> s = k.descending() ? column.desc() : column.asc();
            if (k.nullsFirst() != null) s = k.nullsFirst() ? s.nullsFirst() : s.nullsLast();
            order.add(s);
        }
        Select<?> s;
        if (shape.union) {
            s = DSL.select(columns).from(partials).union(DSL.select(columns).from(partials).where(DSL.falseCondition())).orderBy(order);
        } else if (setOperation) {
            s = DSL.select(columns).from(partials).unionAll(DSL.select(columns).from(partials).where(DSL.falseCondition())).orderBy(order);
        } else {
            s = DSL.select(columns).from(partials).orderBy(order);
        }
        if (shape.limit() != null) s = s.$limit(DSL.inline(shape.limit()));
        if (shape.offset() > 0) s = s.$offset(DSL.inline(shape.offset()));
        return new FinalQuery(s, new VisitListener() {
        });
    }

    /** Declared otherwise in jOOQ, but floating point in the database: found once the partial rows' types are known. */
    private static RuntimeException floatingSum(MergeLayout.Part p) {
        return Refusals.refused("floating-point " + p.call().kind() + " (" + p.aggregate() + ")", "the database computes it in"
                + " floating point, whose result depends on the order values are added in; cast the argument to"
                + " NUMERIC/DECIMAL for an exact, shard-independent answer");
    }

    private static boolean integral(DataType<?> t) {
        Class<?> c = t.getType();
        return c == Long.class || c == Integer.class || c == Short.class || c == Byte.class;
    }

    private static boolean floating(DataType<?> t) {
        Class<?> c = t.getType();
        return c == Double.class || c == Float.class;
    }

    @SuppressWarnings("unchecked")
    private static Field<BigDecimal> number(Field<?> f) {
        return (Field<BigDecimal>) f;
    }
}
