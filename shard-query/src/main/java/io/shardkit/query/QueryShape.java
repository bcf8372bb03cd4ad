package io.shardkit.query;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jooq.Condition;
import org.jooq.Field;
import org.jooq.GroupField;
import org.jooq.Param;
import org.jooq.QueryPart;
import org.jooq.Select;
import org.jooq.SelectFieldOrAsterisk;
import org.jooq.SortField;
import org.jooq.SortOrder;
import org.jooq.Table;
import org.jooq.VisitContext;
import org.jooq.VisitListener;
import org.jooq.impl.DSL;
import org.jooq.impl.QOM;

/**
 * The shape of a {@link Select}, read through jOOQ's query object model — the only class that touches that
 * (experimental) API — and the per-shard query derived from it. Anything whose cross-shard answer cannot be computed
 * exactly is refused here, before any shard runs.
 */
final class QueryShape {

    /** Aggregates that can be computed per shard and combined. */
    enum Aggregate { COUNT, SUM, MIN, MAX, AVG }

    /** One column of the final result: a plain value (possibly a group key), or an aggregate over {@code argument}. */
    record Output(Field<?> field, Aggregate aggregate, Field<?> argument) {
        boolean isAggregate() {
            return aggregate != null;
        }
    }

    /** One ORDER BY key: which column of the row holds it, and how it sorts; {@code nullsFirst} null: the default. */
    record SortKey(int column, Field<?> field, boolean descending, Boolean nullsFirst) {
    }

    final List<Output> outputs;
    final List<Field<?>> groupBy;
    final Condition having;
    final List<SortKey> orderBy;
    final Long limit;
    final long offset;
    final boolean distinct;
    final boolean aggregated;
    private final Select<?> original;
    private final List<Field<?>> hidden; // sort keys (plain queries) or HAVING aggregates (grouped) not in the select list

    private QueryShape(Select<?> original, List<Output> outputs, List<Field<?>> groupBy, Condition having,
                       List<SortKey> orderBy, Long limit, long offset, boolean distinct, List<Field<?>> hidden) {
        this.original = original;
        this.outputs = List.copyOf(outputs);
        this.groupBy = List.copyOf(groupBy);
        this.having = having;
        this.orderBy = List.copyOf(orderBy);
        this.limit = limit;
        this.offset = offset;
        this.distinct = distinct;
        this.aggregated = !groupBy.isEmpty() || outputs.stream().anyMatch(Output::isAggregate);
        this.hidden = List.copyOf(hidden);
    }

    static QueryShape read(Select<?> q, boolean assumeColocated) {
        Objects.requireNonNull(q, "query");
        refuseUnsplittable(q, assumeColocated);
        List<Output> outputs = new ArrayList<>();
        for (SelectFieldOrAsterisk s : q.$select()) {
            if (!(s instanceof Field<?> f)) {
                throw refused("SELECT *", "list the columns: the merge needs to know each column's type");
            }
            outputs.add(output(f));
        }
        if (outputs.isEmpty()) {
            throw refused("SELECT *", "list the columns: the merge needs to know each column's type");
        }
        List<Field<?>> groupBy = new ArrayList<>();
        for (GroupField g : q.$groupBy()) {
            if (!(g instanceof Field<?> f)) {
                throw refused("GROUP BY " + g, "group by plain columns (ROLLUP, CUBE and GROUPING SETS are not supported)");
            }
            groupBy.add(f);
        }
        boolean aggregated = !groupBy.isEmpty() || outputs.stream().anyMatch(Output::isAggregate);
        if (aggregated) {
            for (Output o : outputs) {
                if (!o.isAggregate() && groupBy.stream().noneMatch(g -> same(g, o.field()))) {
                    throw refused("column " + o.field() + " outside GROUP BY", "select only grouped columns and aggregates");
                }
            }
        }
        if (q.$having() != null && !aggregated) {
            throw refused("HAVING without GROUP BY or aggregates", "use WHERE");
        }
        List<Field<?>> hidden = new ArrayList<>();
        List<SortKey> orderBy = new ArrayList<>();
        for (SortField<?> s : q.$orderBy()) {
            Field<?> f = unalias(s.$field());
            int column = indexOf(outputs, f);
            if (column < 0) {
                if (aggregated) {
                    throw refused("ORDER BY " + f + " on a grouped query", "order by selected columns or aggregates");
                }
                column = outputs.size() + hidden.size();
                hidden.add(f);
            }
            Boolean nullsFirst = s.$nullOrdering() == QOM.NullOrdering.NULLS_FIRST ? Boolean.TRUE
                    : s.$nullOrdering() == QOM.NullOrdering.NULLS_LAST ? Boolean.FALSE : null;
            orderBy.add(new SortKey(column, outputs.size() > column ? outputs.get(column).field() : f,
                    s.$sortOrder() == SortOrder.DESC, nullsFirst));
        }
        if (aggregated && q.$having() != null) {
            collectHavingAggregates(q.$having(), outputs, hidden);
        }
        Long limit = number(q.$limit(), "LIMIT");
        Long offset = number(q.$offset(), "OFFSET");
        if (offset != null && limit == null && !aggregated) {
            // OFFSET alone: each shard must return everything; allowed, the merge skips.
        }
        return new QueryShape(q, outputs, groupBy, q.$having(), orderBy, limit, offset == null ? 0 : offset,
                q.$distinct(), hidden);
    }

    /** The query each shard runs. */
    Select<?> perShard() {
        if (!aggregated) {
            List<SelectFieldOrAsterisk> fields = new ArrayList<>();
            outputs.forEach(o -> fields.add(o.field()));
            for (int i = 0; i < hidden.size(); i++) {
                fields.add(hidden.get(i).as("shardkit_sort_" + i));
            }
            Select<?> s = withoutOffset(original.$select(fields));
            if (limit != null) {
                s = s.$limit(DSL.inline(limit + offset));
            }
            return s;
        }
        // Partial groups: group keys, then each aggregate's parts. No HAVING, ORDER BY or LIMIT per shard: a group is
        // only complete once every shard's part of it is merged.
        List<SelectFieldOrAsterisk> fields = new ArrayList<>(groupBy);
        for (Field<?> a : aggregates()) {
            fields.addAll(parts(a));
        }
        return withoutLimit(withoutOffset(original.$select(fields).$having(null).$orderBy(List.of()).$distinct(false)));
    }

    /**
     * The query of the keyset page after the row whose sort keys are {@code after}: the original WHERE and a seek
     * condition that keeps exactly the rows the ORDER BY puts after it (NULLs where the database puts them).
     */
    Select<?> page(Object[] after, int pageSize, SqlOrdering ordering) {
        Condition seek = DSL.falseCondition();
        Condition equalSoFar = DSL.trueCondition();
        for (int i = 0; i < orderBy.size(); i++) {
            SortKey k = orderBy.get(i);
            @SuppressWarnings("unchecked")
            Field<Object> f = (Field<Object>) unalias(k.field());
            Object v = after == null ? null : after[i];
            boolean nullsFirst = ordering.nullsFirst(k.descending(), k.nullsFirst());
            Condition strictlyAfter = v == null
                    ? (nullsFirst ? f.isNotNull() : DSL.falseCondition())
                    : (k.descending() ? f.lt(v) : f.gt(v)).or(nullsFirst ? DSL.falseCondition() : f.isNull());
            seek = seek.or(equalSoFar.and(strictlyAfter));
            equalSoFar = equalSoFar.and(v == null ? f.isNull() : f.eq(v));
        }
        if (after != null) {
            seek = leadingKeyBound(after[0], ordering).and(seek);
        }
        Condition where = original.$where();
        return withoutOffset(original.$where(after == null ? where : where == null ? seek : where.and(seek))
                .$limit(DSL.inline(pageSize)));
    }

    /**
     * A condition the seek implies, written as a plain range on the first sort key so that an index on it starts the
     * scan at the cursor: without it the seek is an OR that the database evaluates row by row from the first page on,
     * and page 1,000 costs 1,000 pages.
     */
    private Condition leadingKeyBound(Object v, SqlOrdering ordering) {
        SortKey first = orderBy.getFirst();
        @SuppressWarnings("unchecked")
        Field<Object> f = (Field<Object>) unalias(first.field());
        if (v == null) {
            return DSL.trueCondition(); // the rows after a NULL are NULLs or, with NULLs first, every value: no range
        }
        Condition range = first.descending() ? f.le(v) : f.ge(v);
        boolean nullsAfter = !ordering.nullsFirst(first.descending(), first.nullsFirst());
        return nullsAfter && f.getDataType().nullable() ? range.or(f.isNull()) : range;
    }

    /** Identifies the ORDER BY, so a cursor is only used with the query that made it. */
    String orderFingerprint() {
        return Integer.toHexString(original.$orderBy().toString().hashCode());
    }

    /** jOOQ 3.21 keeps an OFFSET given without LIMIT when it is set to null; OFFSET 0 means the same and does clear it. */
    private static Select<?> withoutOffset(Select<?> s) {
        Select<?> cleared = s.$offset(null);
        return cleared.$offset() == null ? cleared : cleared.$offset(DSL.inline(0));
    }

    private static Select<?> withoutLimit(Select<?> s) {
        Select<?> cleared = s.$limit(null);
        if (cleared.$limit() != null) throw new IllegalStateException("jOOQ kept LIMIT " + cleared.$limit() + " after clearing it");
        return cleared;
    }

    /** Every aggregate the merge computes: the selected ones, then those only HAVING uses. */
    List<Field<?>> aggregates() {
        List<Field<?>> all = new ArrayList<>();
        outputs.stream().filter(Output::isAggregate).forEach(o -> all.add(unalias(o.field())));
        all.addAll(hidden);
        return all;
    }

    /** The per-shard columns of one aggregate: one, or SUM and COUNT for AVG. */
    static List<Field<?>> parts(Field<?> aggregate) {
        return switch (aggregate) {
            case QOM.Avg a -> List.of(DSL.sum(a.$field()), DSL.count(a.$field()));
            default -> List.of(aggregate);
        };
    }

    static Aggregate kind(Field<?> f) {
        return switch (f) {
            case QOM.Count c -> Aggregate.COUNT;
            case QOM.Sum s -> Aggregate.SUM;
            case QOM.Min<?> m -> Aggregate.MIN;
            case QOM.Max<?> m -> Aggregate.MAX;
            case QOM.Avg a -> Aggregate.AVG;
            default -> null;
        };
    }

    /** The argument of an aggregate; null for COUNT(*). */
    static Field<?> argument(Field<?> f) {
        return switch (f) {
            case QOM.Count c -> c.$field();
            case QOM.Sum s -> s.$field();
            case QOM.Min<?> m -> m.$field();
            case QOM.Max<?> m -> m.$field();
            case QOM.Avg a -> a.$field();
            default -> null;
        };
    }

    // ---- HAVING, evaluated after the merge ------------------------------------------------------------------

    /** An operand of a HAVING condition: a column of the merged row, or a constant. */
    private interface Operand {
        Object value(Object[] row);
    }

    /**
     * HAVING as a predicate over merged rows (the select list, then the aggregates only HAVING uses), with SQL's
     * three-valued logic: a comparison with NULL is unknown, and unknown rows are dropped. Conditions it cannot
     * evaluate exactly are refused now, before any shard runs.
     */
    java.util.function.Predicate<Object[]> havingFilter(SqlOrdering ordering) {
        if (having == null) return null;
        Truth.Expr expr = condition(having, ordering);
        return row -> expr.eval(row) == Truth.TRUE;
    }

    private Truth.Expr condition(Condition c, SqlOrdering ordering) {
        switch (c) {
            case QOM.And a -> {
                Truth.Expr l = condition(a.$arg1(), ordering);
                Truth.Expr r = condition(a.$arg2(), ordering);
                return row -> Truth.and(l.eval(row), r.eval(row));
            }
            case QOM.Or o -> {
                Truth.Expr l = condition(o.$arg1(), ordering);
                Truth.Expr r = condition(o.$arg2(), ordering);
                return row -> Truth.or(l.eval(row), r.eval(row));
            }
            case QOM.Not n -> {
                Truth.Expr inner = condition(n.$condition(), ordering);
                return row -> Truth.not(inner.eval(row));
            }
            case QOM.IsNull n -> {
                Operand o = operand(n.$field());
                return row -> Truth.of(o.value(row) == null);
            }
            case QOM.IsNotNull n -> {
                Operand o = operand(n.$field());
                return row -> Truth.of(o.value(row) != null);
            }
            case QOM.Between<?> b -> {
                Operand v = operand(b.$arg1());
                Operand lo = operand(b.$arg2());
                Operand hi = operand(b.$arg3());
                boolean symmetric = b.$symmetric();
                return row -> {
                    Object x = v.value(row);
                    Object l = lo.value(row);
                    Object h = hi.value(row);
                    if (symmetric && l != null && h != null && ordering.compare(l, h) > 0) {
                        Object t = l;
                        l = h;
                        h = t;
                    }
                    return Truth.and(Truth.compare(ordering, x, l, cmp -> cmp >= 0), Truth.compare(ordering, x, h, cmp -> cmp <= 0));
                };
            }
            case QOM.InList<?> in -> {
                Operand v = operand(in.$field());
                List<Operand> list = in.$list().stream().map(this::operand).toList();
                return row -> {
                    Truth t = Truth.FALSE;
                    for (Operand o : list) t = Truth.or(t, Truth.compare(ordering, v.value(row), o.value(row), cmp -> cmp == 0));
                    return t;
                };
            }
            case QOM.CompareCondition<?, ?> cmp -> {
                Operand l = operand(cmp.$arg1());
                Operand r = operand(cmp.$arg2());
                java.util.function.IntPredicate test = switch (cmp) {
                    case QOM.Eq<?> e -> x -> x == 0;
                    case QOM.Ne<?> e -> x -> x != 0;
                    case QOM.Gt<?> e -> x -> x > 0;
                    case QOM.Ge<?> e -> x -> x >= 0;
                    case QOM.Lt<?> e -> x -> x < 0;
                    case QOM.Le<?> e -> x -> x <= 0;
                    default -> throw refused("HAVING with " + c, "use =, <>, <, <=, >, >=, BETWEEN, IN, IS NULL, AND, OR and NOT");
                };
                return row -> Truth.compare(ordering, l.value(row), r.value(row), test);
            }
            default -> throw refused("HAVING with " + c, "use =, <>, <, <=, >, >=, BETWEEN, IN, IS NULL, AND, OR and NOT"
                    + " over selected columns, aggregates and constants");
        }
    }

    private Operand operand(Field<?> f) {
        if (f instanceof Param<?> p) {
            Object v = p.getValue();
            return row -> v;
        }
        Field<?> inner = unalias(f);
        for (int i = 0; i < outputs.size(); i++) {
            if (same(outputs.get(i).field(), inner)) {
                int column = i;
                return row -> row[column];
            }
        }
        for (int i = 0; i < hidden.size(); i++) {
            if (same(hidden.get(i), inner)) {
                int column = outputs.size() + i;
                return row -> row[column];
            }
        }
        throw refused("HAVING on " + f, "HAVING can compare selected columns, aggregates and constants; select the grouped column it uses");
    }

    // ---- reading --------------------------------------------------------------------------------------------------

    private static Output output(Field<?> f) {
        Field<?> inner = unalias(f);
        if (inner instanceof QOM.AggregateFunction<?, ?> agg) {
            Aggregate kind = kind(inner);
            if (kind == null) {
                throw refused(name(inner) + " aggregate", "only COUNT, SUM, MIN, MAX and AVG can be combined across shards");
            }
            checkAggregate(inner, agg);
            return new Output(f, kind, argument(inner));
        }
        if (contains(inner, QOM.AggregateFunction.class)) {
            throw refused("an expression over aggregates (" + f + ")", "select the aggregates themselves and compute in Java");
        }
        return new Output(f, null, null);
    }

    private static void checkAggregate(Field<?> f, QOM.AggregateFunction<?, ?> agg) {
        boolean distinct = switch (f) {
            case QOM.Count c -> c.$distinct();
            case QOM.Sum s -> s.$distinct();
            case QOM.Avg a -> a.$distinct();
            default -> false; // MIN/MAX(DISTINCT x) equal MIN/MAX(x)
        };
        if (distinct) {
            throw refused(kind(f) + "(DISTINCT …)", "a value can occur on several shards, so per-shard distinct counts do not add up;"
                    + " select the DISTINCT values and count them, or use forEachShard");
        }
        if (agg.$filterWhere() != null) {
            throw refused(kind(f) + "(…) FILTER (WHERE …)", "move the filter into WHERE");
        }
        if (agg.$windowSpecification() != null || agg.$windowDefinition() != null || agg.$windowName() != null) {
            throw refused("window function " + f, "window functions need all rows of a partition in one place");
        }
        Field<?> arg = argument(f);
        if (arg != null && contains(arg, QOM.AggregateFunction.class)) {
            throw refused("a nested aggregate (" + f + ")", "aggregates of aggregates cannot be split");
        }
        if ((f instanceof QOM.Sum || f instanceof QOM.Avg) && arg != null) {
            Class<?> t = arg.getType();
            if (t == Double.class || t == Float.class) {
                throw refused(kind(f) + " of a floating-point column (" + arg + ")", "its result depends on the order values are added in;"
                        + " cast to NUMERIC/DECIMAL for an exact, shard-independent answer");
            }
        }
    }

    private static void refuseUnsplittable(Select<?> q, boolean assumeColocated) {
        if (q.$limitPercent()) throw refused("LIMIT … PERCENT", "the percentage is of all rows, which no shard knows; use a row count");
        if (q.$limitWithTies()) throw refused("FETCH … WITH TIES", "use ORDER BY with a unique tie-breaker and a plain LIMIT");
        if (!q.$distinctOn().isEmpty()) throw refused("DISTINCT ON", "use GROUP BY with MIN/MAX");
        if (q.$qualify() != null) throw refused("QUALIFY", "window functions need all rows of a partition in one place");
        if (!q.$window().isEmpty()) throw refused("WINDOW", "window functions need all rows of a partition in one place");
        if (q.$with() != null) throw refused("WITH (common table expressions)", "inline the query, or use forEachShard");
        if (q.$intoTable() != null) throw refused("SELECT INTO", "fan out the SELECT and insert the rows yourself");
        if (q.$groupByDistinct()) throw refused("GROUP BY DISTINCT", "group by plain columns");
        for (Field<?> f : selectedFields(q)) {
            List<QueryPart> candidates = new ArrayList<>(parts(f, QOM.WindowFunction.class, false));
            candidates.add(unalias(f));
            for (QueryPart p : candidates) {
                if (isWindow(p)) {
                    throw refused("window function " + p, "window functions need all rows of a partition in one place");
                }
            }
        }
        if (q.$from().isEmpty()) {
            // One database answers one row; n shards would answer n, and aggregates would be n times too large.
            throw refused("a SELECT without FROM", "it reads no sharded table: run it on one shard with cluster.dsl(shard)");
        }
        if (!assumeColocated) {
            if (q.$from().size() != 1 || !(q.$from().getFirst() instanceof QOM.TableAlias<?> || isPlainTable(q.$from().getFirst()))) {
                throw refused("a join or several tables in FROM", "each shard would join only its own rows; if related rows always live"
                        + " on the same shard, say so with assumeColocated()");
            }
            QueryPart[] parts = {q.$where(), q.$having()};
            for (QueryPart p : parts) {
                if (p != null && contains(p, Select.class)) {
                    throw refused("a subquery", "it would run per shard and see only that shard's rows; if its rows always live on"
                            + " the same shard as the outer row, say so with assumeColocated()");
                }
            }
            for (Field<?> f : selectedFields(q)) {
                if (contains(f, Select.class)) {
                    throw refused("a subquery", "it would run per shard and see only that shard's rows; if its rows always live on"
                            + " the same shard as the outer row, say so with assumeColocated()");
                }
            }
        }
    }

    /** A window function, or an aggregate used as one (with OVER). */
    private static boolean isWindow(QueryPart p) {
        if (!(p instanceof QOM.WindowFunction<?, ?> w)) return false;
        return !(p instanceof QOM.AggregateFunction<?, ?>)
                || w.$windowSpecification() != null || w.$windowDefinition() != null || w.$windowName() != null;
    }

    private static boolean isPlainTable(Table<?> t) {
        return !(t instanceof QOM.JoinTable<?, ?>) && !(t instanceof QOM.DerivedTable<?>) && !contains(t, Select.class);
    }

    private static List<Field<?>> selectedFields(Select<?> q) {
        List<Field<?>> fields = new ArrayList<>();
        for (SelectFieldOrAsterisk s : q.$select()) {
            if (s instanceof Field<?> f) fields.add(f);
        }
        return fields;
    }

    /** HAVING may use aggregates that are not selected: the shards compute them too, as hidden columns. */
    private static void collectHavingAggregates(Condition having, List<Output> outputs, List<Field<?>> hidden) {
        for (QueryPart part : parts(having, QOM.AggregateFunction.class)) {
            Field<?> f = (Field<?>) part;
            if (kind(f) == null) {
                throw refused(name(f) + " aggregate in HAVING", "only COUNT, SUM, MIN, MAX and AVG can be combined across shards");
            }
            checkAggregate(f, (QOM.AggregateFunction<?, ?>) part);
            boolean known = outputs.stream().anyMatch(o -> o.isAggregate() && same(unalias(o.field()), f))
                    || hidden.stream().anyMatch(h -> same(h, f));
            if (!known) hidden.add(f);
        }
    }

    /**
     * The parts of type {@code type} inside {@code root} (not {@code root} itself), outermost first. jOOQ's open-source
     * model offers no traversal, so this renders {@code root} with a {@link VisitListener} that sees every part — the
     * public way to walk a query. Plain SQL is one opaque part; {@link #contains} looks into its text.
     */
    static List<QueryPart> parts(QueryPart root, Class<?> type) {
        return parts(root, type, true);
    }

    /** As {@link #parts(QueryPart, Class)}; with {@code outermostOnly} false, nested ones too. */
    static List<QueryPart> parts(QueryPart root, Class<?> type, boolean outermostOnly) {
        List<QueryPart> found = new ArrayList<>();
        java.util.ArrayDeque<QueryPart> inside = new java.util.ArrayDeque<>(); // enclosing parts of the type
        VisitListener listener = new VisitListener() {
            @Override
            public void visitStart(VisitContext ctx) {
                QueryPart p = ctx.queryPart();
                if (p != root && type.isInstance(p)) {
                    if (inside.isEmpty() || !outermostOnly) found.add(p);
                    inside.push(p);
                }
            }

            @Override
            public void visitEnd(VisitContext ctx) {
                if (!inside.isEmpty() && inside.peek() == ctx.queryPart()) inside.pop();
            }
        };
        DSL.using(new org.jooq.impl.DefaultConfiguration().set(org.jooq.SQLDialect.DEFAULT)
                .set(new org.jooq.impl.DefaultVisitListenerProvider(listener))).render(root);
        return found;
    }

    /** Plain SQL whose text may hide a subquery or a window. */
    private static boolean hidesQuery(QueryPart part) {
        return part.getClass().getSimpleName().startsWith("SQL") && HIDDEN_QUERY.matcher(part.toString()).find();
    }

    private static final java.util.regex.Pattern HIDDEN_QUERY =
            java.util.regex.Pattern.compile("(?i)\\bselect\\b|\\bover\\s*\\(|\\bover\\s+\\w");

    private static Long number(Field<? extends Number> f, String clause) {
        if (f == null) return null;
        if (f instanceof Param<?> p && p.getValue() instanceof Number n) {
            long v = n.longValue();
            if (v < 0) throw refused(clause + " " + v, clause + " must not be negative");
            return v;
        }
        throw refused(clause + " " + f, "give " + clause + " as a number, not an expression");
    }

    static Field<?> unalias(Field<?> f) {
        return f instanceof QOM.FieldAlias<?> a ? a.$field() : f;
    }

    static boolean same(Field<?> a, Field<?> b) {
        return unalias(a).equals(unalias(b));
    }

    private static int indexOf(List<Output> outputs, Field<?> f) {
        for (int i = 0; i < outputs.size(); i++) {
            Field<?> o = outputs.get(i).field();
            if (same(o, f) || (o instanceof QOM.FieldAlias<?> a && a.$alias().equals(f.getQualifiedName()))) return i;
        }
        return -1;
    }

    /** Whether {@code part} holds a {@code type} below itself (or, for Select, plain SQL that might hide a query). */
    private static boolean contains(QueryPart part, Class<?> type) {
        if (!parts(part, type).isEmpty()) return true;
        return type == Select.class && (hidesQuery(part) || parts(part, QueryPart.class, false).stream().anyMatch(QueryShape::hidesQuery));
    }

    private static String name(Field<?> f) {
        return f.getClass().getSimpleName().replace("Impl", "").toUpperCase();
    }

    /** The construct on one line: jOOQ's {@code toString()} of a query part is formatted SQL, with line breaks. */
    private static UnsupportedFanOutException refused(String construct, String what) {
        return new UnsupportedFanOutException(construct.replaceAll("\\s+", " "), what);
    }

    @Override
    public String toString() {
        return "QueryShape[outputs=" + outputs + ", groupBy=" + groupBy + ", having=" + having + ", orderBy=" + orderBy
                + ", limit=" + limit + ", offset=" + offset + ", distinct=" + distinct + "]";
    }

}
