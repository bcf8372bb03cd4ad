package io.shardkit.query.differential;

import static io.shardkit.query.differential.OrdersData.COMMON_TOTALS;
import static io.shardkit.query.differential.OrdersData.CREATED_AT;
import static io.shardkit.query.differential.OrdersData.CREATED_ON;
import static io.shardkit.query.differential.OrdersData.CUSTOMER_ID;
import static io.shardkit.query.differential.OrdersData.ID;
import static io.shardkit.query.differential.OrdersData.LINE_CUSTOMER_ID;
import static io.shardkit.query.differential.OrdersData.LINE_NO;
import static io.shardkit.query.differential.OrdersData.LINE_ORDER_ID;
import static io.shardkit.query.differential.OrdersData.LINE_QTY;
import static io.shardkit.query.differential.OrdersData.NOTE;
import static io.shardkit.query.differential.OrdersData.ORDERS;
import static io.shardkit.query.differential.OrdersData.ORDER_LINES;
import static io.shardkit.query.differential.OrdersData.POINTS;
import static io.shardkit.query.differential.OrdersData.PRICE;
import static io.shardkit.query.differential.OrdersData.QUANTITY;
import static io.shardkit.query.differential.OrdersData.REGION;
import static io.shardkit.query.differential.OrdersData.SHIP_MODE;
import static io.shardkit.query.differential.OrdersData.SKU;
import static io.shardkit.query.differential.OrdersData.STATUS;
import static io.shardkit.query.differential.OrdersData.TOTAL;
import static io.shardkit.query.differential.OrdersData.WEIGHT;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.inline;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.table;

import io.shardkit.query.differential.OrdersData.Order;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import org.jooq.AggregateFunction;
import org.jooq.CommonTableExpression;
import org.jooq.Condition;
import org.jooq.DataType;
import org.jooq.Field;
import org.jooq.GroupField;
import org.jooq.OrderField;
import org.jooq.Record;
import org.jooq.Select;
import org.jooq.SelectFieldOrAsterisk;
import org.jooq.SelectLimitStep;
import org.jooq.SelectOrderByStep;
import org.jooq.SortField;
import org.jooq.Table;
import org.jooq.TableLike;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * Seeded, grammar-driven generator of queries over {@code orders} and its colocated {@code order_lines}, in the
 * spirit of SQLancer: expressions and conditions are drawn recursively from a small typed grammar with a depth limit
 * ({@link #expr}, {@link #condition}, {@link #aggExpr}), and queries are assembled from them by kind — projections,
 * whole-table aggregates, grouped queries (plain, ROLLUP, GROUPING SETS, CUBE), DISTINCT, set operations, derived
 * tables, CTEs, joins and subqueries (colocated by the shard key or not), and constructs a fan-out may refuse.
 *
 * <p>Every query records the {@link Construct}s it uses and every {@link Refusable} construct in it; one whose
 * joins, derived tables or subqueries relate rows of one customer only is {@code colocated}, one that relates rows
 * across customers {@code mustRefuse}. Each query knows how strictly its answer can be compared ({@link ResultShape}).
 * The same seed and data give the same queries in the same order. Constants come from the data, so predicates select
 * something.
 */
final class QueryGenerator {
    /** How deep expressions and conditions nest. */
    static final int MAX_DEPTH = 3;
    private static final int[] LIMITS = {0, 1, 2, 3, 5, 10, 25, 100};
    private static final int[] OFFSETS = {1, 2, 7, 20, 150};

    /** The SQL types the grammar knows. */
    enum Type { LONG, INT, DEC, STR, DATE, TS }

    private final Random random;
    private final OrdersData data;
    private int number;

    QueryGenerator(long seed, OrdersData data) {
        // Not the data's own Random: changing how data is drawn must not change which queries are drawn, and back.
        this.random = new Random(~seed);
        this.data = Objects.requireNonNull(data, "data");
    }

    List<GeneratedQuery> generate(int count) {
        List<GeneratedQuery> queries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) queries.add(next());
        return List.copyOf(queries);
    }

    GeneratedQuery next() {
        number++;
        int roll = random.nextInt(100);
        if (roll < 24) return projection();
        if (roll < 34) return aggregates();
        if (roll < 54) return grouped();
        if (roll < 60) return distinct();
        if (roll < 68) return setOperation();
        if (roll < 76) return derived();
        if (roll < 82) return join();
        if (roll < 88) return subquery();
        if (roll < 92) return orderDependentAggregate();
        return refusable();
    }

    // ==== the grammar: expressions ===============================================================================

    /** A typed expression over {@code orders} columns; {@code depth} 0 is a column or a value. */
    private Expr expr(Q q, Type t, int depth) {
        if (depth <= 0 || chance(0.45)) return leaf(q, t);
        int d = depth - 1;
        switch (t) {
            case DEC -> {
                switch (random.nextInt(8)) {
                    case 0, 1 -> {
                        q.add(Construct.ARITHMETIC);
                        Expr a = expr(q, Type.DEC, d), b = chance(0.5) ? expr(q, Type.DEC, 0) : new Expr(literalOf(q, Type.DEC), Type.DEC, false);
                        return new Expr(chance(0.5) ? a.f(BigDecimal.class).add(b.f(BigDecimal.class))
                                : a.f(BigDecimal.class).sub(b.f(BigDecimal.class)), Type.DEC, a.strings || b.strings);
                    }
                    case 2 -> {
                        // Products of a value and a small factor only: products of products overflow NUMERIC casts.
                        q.add(Construct.ARITHMETIC);
                        Expr a = leaf(q, Type.DEC);
                        return new Expr(a.f(BigDecimal.class).mul(literal(q, new BigDecimal(new String[] {"2", "0.5", "-1", "1.25"}[random.nextInt(4)]))),
                                Type.DEC, false);
                    }
                    case 3 -> {
                        q.add(Construct.ARITHMETIC, Construct.NULLIF);
                        q.refusable(Refusable.function("NULLIF"));
                        Expr a = expr(q, Type.DEC, d);
                        Field<BigDecimal> divisor = DSL.nullif(column(q, Type.DEC).f(BigDecimal.class), inline(BigDecimal.ZERO));
                        return new Expr(a.f(BigDecimal.class).div(divisor), Type.DEC, a.strings);
                    }
                    case 4 -> {
                        return caseExpr(q, Type.DEC, d);
                    }
                    case 5 -> {
                        return coalesce(q, Type.DEC, d);
                    }
                    case 6 -> {
                        q.add(Construct.CAST);
                        Expr a = chance(0.5) ? expr(q, Type.DEC, d) : leaf(q, Type.INT);
                        return new Expr(DSL.cast(a.field, SQLDataType.NUMERIC(38, new int[] {0, 2, 4}[random.nextInt(3)])), Type.DEC, a.strings);
                    }
                    default -> {
                        return expr(q, Type.DEC, 0);
                    }
                }
            }
            case INT -> {
                switch (random.nextInt(4)) {
                    case 0 -> {
                        q.add(Construct.EXTRACT_YEAR, Construct.ARITHMETIC);
                        q.refusable(Refusable.function("EXTRACT", "YEAR"));
                        return new Expr(DSL.year(CREATED_ON).add(literal(q, random.nextInt(-3, 4))), Type.INT, false);
                    }
                    case 1 -> {
                        return caseExpr(q, Type.INT, d);
                    }
                    case 2 -> {
                        return coalesce(q, Type.INT, d);
                    }
                    default -> {
                        q.add(Construct.NULLIF);
                        q.refusable(Refusable.function("NULLIF"));
                        Field<Integer> v = literal(q, random.nextInt(0, 4));
                        return new Expr(DSL.nullif(QUANTITY, v), Type.INT, false);
                    }
                }
            }
            case LONG -> {
                if (chance(0.5)) return caseExpr(q, Type.LONG, d);
                q.add(Construct.CAST, Construct.ARITHMETIC);
                return new Expr(DSL.cast(QUANTITY, SQLDataType.BIGINT).add(literal(q, (long) random.nextInt(1, 100))), Type.LONG, false);
            }
            case STR -> {
                switch (random.nextInt(7)) {
                    case 0 -> {
                        q.add(Construct.LOWER_UPPER);
                        Expr a = expr(q, Type.STR, d);
                        boolean lower = chance(0.5);
                        q.refusable(Refusable.function(lower ? "LOWER" : "UPPER", lower ? "LCASE" : "UCASE"));
                        return new Expr(lower ? DSL.lower(a.f(String.class)) : DSL.upper(a.f(String.class)), Type.STR, true);
                    }
                    case 1 -> {
                        q.add(Construct.TRIM);
                        q.refusable(Refusable.function("TRIM", "BTRIM"));
                        return new Expr(DSL.trim(expr(q, Type.STR, d).f(String.class)), Type.STR, true);
                    }
                    case 2 -> {
                        q.add(Construct.SUBSTRING);
                        q.refusable(Refusable.function("SUBSTRING", "SUBSTR"));
                        return new Expr(DSL.substring(expr(q, Type.STR, d).f(String.class), inline(1), inline(1 + random.nextInt(3))),
                                Type.STR, true);
                    }
                    case 3 -> {
                        q.add(Construct.CONCAT);
                        q.refusable(Refusable.function("CONCAT"));
                        Expr a = expr(q, Type.STR, d);
                        return new Expr(DSL.concat(a.f(String.class), literal(q, new String[] {"-", "x", " "}[random.nextInt(3)])),
                                Type.STR, true);
                    }
                    case 4 -> {
                        return caseExpr(q, Type.STR, d);
                    }
                    case 5 -> {
                        return coalesce(q, Type.STR, d);
                    }
                    default -> {
                        q.add(Construct.CAST);
                        return new Expr(DSL.cast(QUANTITY, SQLDataType.VARCHAR(20)), Type.STR, true);
                    }
                }
            }
            case DATE -> {
                return chance(0.5) ? caseExpr(q, Type.DATE, d) : coalesce(q, Type.DATE, d);
            }
            case TS -> {
                return coalesce(q, Type.TS, d);
            }
        }
        throw new AssertionError(t);
    }

    private Expr caseExpr(Q q, Type t, int d) {
        q.add(Construct.CASE);
        Expr a = expr(q, t, d), b = expr(q, t, d);
        Field<Object> then = cast(a.field), otherwise = cast(b.field);
        return new Expr(DSL.when(condition(q, d), then).otherwise(otherwise), t, a.strings || b.strings);
    }

    private Expr coalesce(Q q, Type t, int d) {
        q.add(Construct.COALESCE);
        q.refusable(Refusable.function("COALESCE", "IFNULL", "NVL"));
        Expr a = expr(q, t, d);
        Field<Object> first = cast(a.field), then = cast(literalOf(q, t));
        return new Expr(DSL.coalesce(first, then), t, a.strings || t == Type.STR);
    }

    @SuppressWarnings("unchecked")
    private static Field<Object> cast(Field<?> f) {
        return (Field<Object>) f;
    }

    /**
     * A column. Expressions are rooted in columns, values only ever stand beside one: a bare bind value has no type
     * PostgreSQL can infer, and a bare inlined number in ORDER BY would be a position.
     */
    private Expr leaf(Q q, Type t) {
        return column(q, t);
    }

    private Expr column(Q q, Type t) {
        Field<?> f = switch (t) {
            case LONG -> chance(0.5) ? ID : CUSTOMER_ID;
            case INT -> QUANTITY;
            case DEC -> List.of(TOTAL, TOTAL, WEIGHT, POINTS).get(random.nextInt(4));
            case STR -> List.of(STATUS, STATUS, REGION, SHIP_MODE).get(random.nextInt(4));
            case DATE -> CREATED_ON;
            case TS -> CREATED_AT;
        };
        if (f == SHIP_MODE) q.add(Construct.CHAR_COLUMN);
        return new Expr(f, t, t == Type.STR);
    }

    /** A value from the data, bound ({@code DSL.val}) or inlined ({@code DSL.inline}). */
    private Field<?> literalOf(Q q, Type t) {
        Order o = someOrder();
        return switch (t) {
            case LONG -> literal(q, chance(0.5) ? o.id() : o.customerId());
            case INT -> literal(q, o.quantity() != null ? o.quantity() : random.nextInt(-2, 10));
            case DEC -> literal(q, someTotal());
            case STR -> literal(q, someString());
            case DATE -> literal(q, someDate());
            case TS -> literal(q, o.createdAt() != null ? o.createdAt() : LocalDateTime.of(2024, 6, 1, 12, 0));
        };
    }

    private <T> Field<T> literal(Q q, T value) {
        if (chance(0.5)) {
            q.add(Construct.BIND_VALUE);
            return DSL.val(value);
        }
        q.add(Construct.INLINE_VALUE);
        return inline(value);
    }

    // ==== the grammar: conditions ================================================================================

    private Condition condition(Q q, int depth) {
        if (depth > 0 && chance(0.35)) {
            q.add(Construct.AND_OR_NOT);
            return switch (random.nextInt(5)) {
                case 0, 1 -> condition(q, depth - 1).and(condition(q, depth - 1));
                case 2, 3 -> condition(q, depth - 1).or(condition(q, depth - 1));
                default -> DSL.not(condition(q, depth - 1));
            };
        }
        return atom(q, Math.max(0, depth - 1));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private Condition atom(Q q, int depth) {
        Type t = Type.values()[random.nextInt(Type.values().length)];
        Expr e = expr(q, t, Math.min(depth, 1));
        Field f = e.field;
        switch (random.nextInt(9)) {
            case 0, 1, 2 -> {
                q.add(Construct.COMPARISON);
                Field other = chance(0.8) ? literalOf(q, t) : expr(q, t, 0).field;
                return switch (random.nextInt(6)) {
                    case 0 -> f.eq(other);
                    case 1 -> f.ne(other);
                    case 2 -> f.lt(other);
                    case 3 -> f.le(other);
                    case 4 -> f.gt(other);
                    default -> f.ge(other);
                };
            }
            case 3 -> {
                q.add(Construct.BETWEEN);
                return chance(0.2) ? f.notBetween(literalOf(q, t), literalOf(q, t)) : f.between(literalOf(q, t), literalOf(q, t));
            }
            case 4 -> {
                q.add(Construct.IN_LIST);
                List<Field<?>> values = new ArrayList<>();
                for (int i = 0, n = 1 + random.nextInt(4); i < n; i++) values.add(literalOf(q, t));
                return chance(0.2) ? f.notIn(values) : f.in(values);
            }
            case 5 -> {
                q.add(Construct.IS_NULL);
                return chance(0.5) ? f.isNull() : f.isNotNull();
            }
            case 6 -> {
                q.add(Construct.LIKE);
                Field<String> s = chance(0.2) ? noteColumn(q) : expr(q, Type.STR, Math.min(depth, 1)).f(String.class);
                String pattern = new String[] {"p%", "%e%", "%ü%", "N%", "%_", "MAIL%", "%ir", "fragile", "%door%"}[random.nextInt(9)];
                return chance(0.2) ? s.notLike(literal(q, pattern)) : s.like(literal(q, pattern));
            }
            case 7 -> {
                q.add(Construct.IS_NULL);
                return chance(0.5) ? noteColumn(q).isNull() : noteColumn(q).isNotNull();
            }
            default -> {
                // A window of ids keeps answers to hundreds of rows: as good at catching a bad merge, and quick.
                q.add(Construct.BETWEEN);
                long from = random.nextLong(-1_000_000L, 7_000_000L);
                return ID.between(literal(q, from), literal(q, from + 2_000_000L));
            }
        }
    }

    private Field<String> noteColumn(Q q) {
        q.add(Construct.TEXT_COLUMN);
        return NOTE;
    }

    private Condition where(Q q) {
        q.add(Construct.WHERE);
        return condition(q, 1 + random.nextInt(MAX_DEPTH));
    }

    // ==== the grammar: aggregates ================================================================================

    /** An aggregate call over a row expression. */
    @SuppressWarnings("unchecked")
    private Expr aggregate(Q q) {
        int roll = random.nextInt(16);
        Expr result = switch (roll) {
            case 0, 1 -> {
                q.add(Construct.COUNT_STAR);
                yield new Expr(DSL.count(), Type.LONG, false);
            }
            case 2, 3 -> {
                q.add(Construct.COUNT);
                yield new Expr(DSL.count(expr(q, randomType(), 1).field), Type.LONG, false);
            }
            case 4, 5, 6 -> {
                q.add(Construct.SUM);
                Expr a = chance(0.2) ? leaf(q, Type.INT) : expr(q, Type.DEC, 1);
                yield new Expr(DSL.sum((Field<? extends Number>) a.field), Type.DEC, false);
            }
            case 7, 8 -> {
                q.add(Construct.AVG);
                Expr a = chance(0.25) ? leaf(q, Type.INT) : expr(q, Type.DEC, 1);
                yield new Expr(DSL.avg((Field<? extends Number>) a.field), Type.DEC, false);
            }
            case 9, 10 -> {
                q.add(Construct.MIN);
                Expr a = expr(q, randomType(), 1);
                if (a.strings) q.refusable(Refusable.STRING_ORDER);
                yield new Expr(DSL.min(a.field), a.type, a.strings);
            }
            case 11, 12 -> {
                q.add(Construct.MAX);
                Expr a = expr(q, randomType(), 1);
                if (a.strings) q.refusable(Refusable.STRING_ORDER);
                yield new Expr(DSL.max(a.field), a.type, a.strings);
            }
            case 13 -> {
                q.add(Construct.COUNT_DISTINCT);
                q.refusable(Refusable.COUNT_DISTINCT);
                Expr a = expr(q, randomType(), 1);
                if (a.strings) q.refusable(Refusable.STRING_ORDER); // distinct under a collation
                yield new Expr(DSL.countDistinct(a.field), Type.LONG, false);
            }
            default -> {
                if (q.caseOverAggregates) {
                    // See aggExpr: H2 cannot run both in one select list.
                    q.add(Construct.COUNT_STAR);
                    yield new Expr(DSL.count(), Type.LONG, false);
                }
                q.filterAggregate = true;
                q.add(Construct.AGGREGATE_FILTER);
                Condition filter = condition(q, 1);
                yield switch (random.nextInt(3)) {
                    case 0 -> new Expr(DSL.count().filterWhere(filter), Type.LONG, false);
                    case 1 -> new Expr(DSL.sum(TOTAL).filterWhere(filter), Type.DEC, false);
                    default -> new Expr(DSL.max(CREATED_ON).filterWhere(filter), Type.DATE, false);
                };
            }
        };
        return result;
    }

    private Type randomType() {
        return Type.values()[random.nextInt(Type.values().length)];
    }

    /** An expression over aggregates (and over the group keys {@code keys}, which are constant in a group). */
    @SuppressWarnings("unchecked")
    private Expr aggExpr(Q q, List<Expr> keys, int depth) {
        if (depth <= 0 || chance(0.55)) return aggregate(q);
        q.add(Construct.AGGREGATE_EXPRESSION);
        Field<BigDecimal> total = TOTAL;
        return switch (random.nextInt(7)) {
            case 0 -> {
                q.add(Construct.COALESCE);
                q.refusable(Refusable.function("COALESCE", "IFNULL", "NVL"));
                yield new Expr(DSL.coalesce(DSL.sum(numeric(q)), inline(BigDecimal.ZERO)), Type.DEC, false);
            }
            case 1 -> {
                q.add(Construct.SUM, Construct.NULLIF, Construct.ARITHMETIC);
                q.refusable(Refusable.function("NULLIF"));
                yield new Expr(DSL.sum(numeric(q)).div(DSL.nullif(DSL.sum(numeric(q)), inline(BigDecimal.ZERO))), Type.DEC, false);
            }
            case 2 -> {
                q.add(Construct.SUM, Construct.CASE, Construct.NULLIF, Construct.ARITHMETIC);
                q.refusable(Refusable.function("NULLIF"));
                Field<BigDecimal> share = DSL.when(condition(q, 1), total).otherwise(inline(BigDecimal.ZERO));
                yield new Expr(inline(new BigDecimal("100.00")).mul(DSL.sum(share)).div(DSL.nullif(DSL.sum(total), inline(BigDecimal.ZERO))),
                        Type.DEC, false);
            }
            case 3 -> {
                q.add(Construct.AVG, Construct.CAST);
                yield new Expr(DSL.cast(DSL.avg(numeric(q)), SQLDataType.NUMERIC(20, 2)), Type.DEC, false);
            }
            case 4 -> {
                q.add(Construct.ARITHMETIC);
                Expr a = aggExpr(q, keys, depth - 1);
                if (a.type == Type.DEC || a.type == Type.LONG) {
                    yield new Expr(((Field<BigDecimal>) a.field).add(literal(q, new BigDecimal("1.5"))), Type.DEC, false);
                }
                yield a;
            }
            case 5 -> {
                // H2 2.5.252 fails (ArrayIndexOutOfBoundsException, "General error") on a CASE over aggregates in a
                // select list that also holds an aggregate with FILTER: never generate both in one query.
                if (q.filterAggregate) yield aggregate(q);
                q.caseOverAggregates = true;
                q.add(Construct.CASE);
                q.add(Construct.INLINE_VALUE);
                yield new Expr(DSL.when(DSL.count().gt(inline(random.nextInt(1, 20))), DSL.max(TOTAL)).otherwise(DSL.min(TOTAL)),
                        Type.DEC, false);
            }
            default -> {
                // An expression of a group key and an aggregate: the key is one value per group.
                Expr key = keys.isEmpty() ? null : keys.get(random.nextInt(keys.size()));
                if (key != null && key.type == Type.STR && !key.grouping) {
                    q.add(Construct.CONCAT, Construct.GROUP_KEY_EXPRESSION);
                    q.refusable(Refusable.function("CONCAT"));
                    // The key last: under a case-insensitive, PAD SPACE collation (MariaDB) a group's key is whichever
                    // of its equal strings the database met first ('paid' or 'paid '); with the key last the two
                    // answers stay equal under that collation, with it first ('paid :5', 'paid:5') they would not.
                    yield new Expr(DSL.concat(DSL.cast(DSL.count(), SQLDataType.VARCHAR(20)), inline(":"), key.f(String.class)), Type.STR, true);
                }
                if (key != null && (key.type == Type.DEC || key.type == Type.INT) && !key.grouping) {
                    q.add(Construct.ARITHMETIC, Construct.GROUP_KEY_EXPRESSION);
                    yield new Expr(DSL.cast(key.field, SQLDataType.NUMERIC(38, 2)).add(DSL.count()), Type.DEC, false);
                }
                yield aggregate(q);
            }
        };
    }

    private Field<BigDecimal> numeric(Q q) {
        return chance(0.6) ? column(q, Type.DEC).f(BigDecimal.class) : expr(q, Type.DEC, 1).f(BigDecimal.class);
    }

    // ==== query kinds ============================================================================================

    private GeneratedQuery projection() {
        Q q = new Q();
        q.add(Construct.PROJECTION);
        int n = 1 + random.nextInt(4);
        for (int i = 0; i < n; i++) {
            if (chance(0.1)) {
                q.item(new Expr(noteColumn(q), Type.STR, true), false);
            } else {
                q.item(expr(q, randomType(), random.nextInt(MAX_DEPTH)), true);
            }
        }
        boolean hasId = chance(0.5);
        if (hasId) q.items.add(random.nextInt(q.items.size() + 1), new Item(new Expr(ID, Type.LONG, false), null));
        if (chance(0.9)) q.where = where(q);
        if (chance(0.75)) {
            orderItems(q, 1 + random.nextInt(3));
            if (chance(0.15)) {
                // Sorting by an expression not in the output is only comparable row by row when the order is total.
                Expr e = expr(q, randomType(), 1);
                q.sorts.add(new Sort(e.field, -1, chance(0.5), nulls(), e.strings));
                q.add(Construct.ORDER_BY_UNSELECTED);
            }
            if (q.sorts.stream().anyMatch(s -> s.column < 0) || chance(0.4)) {
                int idCol = indexOfId(q);
                q.sorts.add(new Sort(ID, idCol, chance(0.5), nulls(), false));
            }
            limit(q, chance(0.5));
            return q.finish(q.sorts.stream().anyMatch(s -> s.expr == ID) ? ResultShape.total() : partial(q));
        }
        return q.finish(ResultShape.unordered());
    }

    private int indexOfId(Q q) {
        for (int i = 0; i < q.items.size(); i++) if (q.items.get(i).expr.field == ID) return i;
        return -1;
    }

    private GeneratedQuery aggregates() {
        Q q = new Q();
        int n = 1 + random.nextInt(4);
        for (int i = 0; i < n; i++) q.item(aggExpr(q, List.of(), 2), chance(0.5));
        if (chance(0.7)) q.where = where(q);
        return q.finish(ResultShape.total()); // one row
    }

    private GeneratedQuery grouped() {
        Q q = new Q();
        q.add(Construct.GROUP_BY);
        List<Expr> keys = groupKeys(q, 1 + (chance(0.35) ? 1 : 0));
        int grouping = random.nextInt(100);
        boolean rollupLike = grouping < 12;
        List<Item> keyItems = new ArrayList<>();
        for (Expr k : keys) keyItems.add(new Item(k, chance(0.5) ? "k" + keyItems.size() : null));
        List<Item> aggItems = new ArrayList<>();
        for (int i = 0, n = 1 + random.nextInt(3); i < n; i++) {
            Expr a = aggExpr(q, keys, 2);
            q.aggregates.add(a);
            aggItems.add(new Item(a, null));
        }
        if (chance(0.2)) {
            // An expression of a group key alone.
            Expr k = keys.getFirst();
            if (k.type == Type.STR && !rollupLike) {
                q.add(Construct.GROUP_KEY_EXPRESSION, Construct.LOWER_UPPER);
                q.refusable(Refusable.function("UPPER", "UCASE"));
                aggItems.add(new Item(new Expr(DSL.upper(k.f(String.class)), Type.STR, true), null));
            }
        }
        if (chance(0.75)) {
            q.items.addAll(keyItems);
            q.items.addAll(aggItems);
        } else {
            q.items.addAll(aggItems);
            q.items.addAll(keyItems);
        }
        List<Integer> keyColumns = keyItems.stream().map(q.items::indexOf).toList();
        q.aliasItems("c");
        List<Field<?>> keyFields = keys.stream().<Field<?>>map(e -> e.field).toList();
        if (rollupLike) {
            int kind = random.nextInt(3);
            if (kind == 0) {
                q.add(Construct.ROLLUP);
                q.refusable(Refusable.ROLLUP);
                q.groupBy.add(DSL.rollup(keyFields.toArray(Field[]::new)));
            } else if (kind == 1) {
                q.add(Construct.GROUPING_SETS);
                q.refusable(Refusable.GROUPING_SETS);
                List<Field<?>[]> sets = new ArrayList<>();
                for (Field<?> k : keyFields) sets.add(new Field<?>[] {k});
                sets.add(new Field<?>[0]);
                q.groupBy.add(DSL.groupingSets(sets.toArray(Field[][]::new)));
            } else {
                q.add(Construct.CUBE);
                q.refusable(Refusable.CUBE);
                q.groupBy.add(DSL.cube(keyFields.toArray(Field[]::new)));
            }
        } else {
            q.groupBy.addAll(keyFields);
        }
        if (chance(0.6)) q.where = where(q);
        if (chance(0.35)) {
            q.add(Construct.HAVING);
            q.having = having(q, keys);
        }
        if (chance(0.7)) {
            orderItems(q, 1 + random.nextInt(3));
            if (!rollupLike && chance(0.15)) {
                Expr e = aggregate(q);
                q.add(Construct.ORDER_BY_AGGREGATE);
                q.sorts.add(new Sort(e.field, -1, chance(0.5), nulls(), e.strings));
            }
            if (chance(0.5) || q.sorts.stream().anyMatch(s -> s.column < 0)) {
                for (int i : keyColumns) {
                    if (q.sorts.stream().noneMatch(s -> s.column == i)) q.sorts.add(sortOf(q, i));
                }
            }
            // One row per group: sorting by every group key is total (not with ROLLUP and its NULL subtotal keys).
            boolean total = !rollupLike && keyColumns.stream().allMatch(i -> q.sorts.stream().anyMatch(s -> s.column == i));
            if (!total && q.sorts.stream().anyMatch(s -> s.column < 0)) {
                q.sorts.removeIf(s -> s.column < 0);
            }
            if (q.sorts.isEmpty()) return q.finish(ResultShape.unordered());
            limit(q, chance(0.4));
            return q.finish(total ? ResultShape.total() : partial(q));
        }
        return q.finish(ResultShape.unordered());
    }

    /** Group keys: columns with duplicates, or expressions of them. */
    private List<Expr> groupKeys(Q q, int n) {
        List<Expr> keys = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        while (keys.size() < n) {
            Expr k;
            if (chance(0.25)) {
                q.add(Construct.GROUP_BY_EXPRESSION);
                k = switch (random.nextInt(5)) {
                    case 0 -> {
                        q.add(Construct.EXTRACT_YEAR);
                        q.refusable(Refusable.function("EXTRACT", "YEAR"));
                        yield new Expr(DSL.year(CREATED_ON), Type.INT, false);
                    }
                    case 1 -> {
                        q.add(Construct.LOWER_UPPER);
                        q.refusable(Refusable.function("LOWER", "LCASE"));
                        yield new Expr(DSL.lower(STATUS), Type.STR, true);
                    }
                    case 2 -> {
                        q.add(Construct.CASE);
                        yield new Expr(DSL.when(TOTAL.gt(inline(new BigDecimal("100.00"))), inline("big"))
                                .when(TOTAL.isNull(), inline("none")).otherwise(inline("small")), Type.STR, true);
                    }
                    case 3 -> {
                        q.add(Construct.COALESCE);
                        q.refusable(Refusable.function("COALESCE", "IFNULL", "NVL"));
                        yield new Expr(DSL.coalesce(REGION, inline("none")), Type.STR, true);
                    }
                    default -> {
                        q.add(Construct.SUBSTRING, Construct.CHAR_COLUMN);
                        q.refusable(Refusable.function("SUBSTRING", "SUBSTR"));
                        yield new Expr(DSL.substring(SHIP_MODE, inline(1), inline(2)), Type.STR, true);
                    }
                };
            } else {
                Field<?> f = List.of(STATUS, REGION, SHIP_MODE, QUANTITY, CUSTOMER_ID, CREATED_ON, TOTAL, POINTS).get(random.nextInt(8));
                if (f == SHIP_MODE) q.add(Construct.CHAR_COLUMN);
                Type t = f == QUANTITY ? Type.INT : f == CUSTOMER_ID ? Type.LONG : f == CREATED_ON ? Type.DATE
                        : f == TOTAL || f == POINTS ? Type.DEC : Type.STR;
                k = new Expr(f, t, t == Type.STR);
            }
            if (k.strings) {
                q.add(Construct.GROUP_BY_STRING);
                q.refusable(Refusable.STRING_ORDER); // grouping strings under the database's collation
            }
            if (seen.add(k.field.toString())) keys.add(k);
        }
        return keys;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private Condition having(Q q, List<Expr> keys) {
        Condition c = switch (random.nextInt(4)) {
            case 0 -> DSL.count().gt(literal(q, new int[] {1, 2, 5, 20}[random.nextInt(4)]));
            case 1 -> {
                Expr a = aggExpr(q, keys, 1);
                Field f = a.field;
                yield f.isNull() .or(f.gt(literalOf(q, a.type == Type.LONG ? Type.LONG : a.type)));
            }
            case 2 -> DSL.sum(TOTAL).gt(literal(q, someTotal()));
            default -> {
                Expr k = keys.get(random.nextInt(keys.size()));
                Field f = k.field;
                // A group key in HAVING; MariaDB resolves only plain columns there, not a grouped expression.
                yield isColumn(f) ? f.isNotNull().and(DSL.count().ge(literal(q, 1))) : DSL.count().ge(literal(q, 1));
            }
        };
        if (chance(0.3)) {
            q.add(Construct.AND_OR_NOT);
            c = chance(0.5) ? c.and(DSL.max(TOTAL).isNotNull()) : DSL.not(c);
        }
        return c;
    }

    private GeneratedQuery distinct() {
        Q q = new Q();
        q.distinct = true;
        q.add(Construct.DISTINCT);
        for (Expr k : groupKeys(q, 1 + random.nextInt(3))) q.item(k, chance(0.5));
        if (chance(0.6)) q.where = where(q);
        if (chance(0.6)) {
            orderItems(q, 1 + random.nextInt(q.items.size()));
            limit(q, chance(0.4));
            return q.finish(q.sorts.size() == q.items.size() ? ResultShape.total() : partial(q));
        }
        return q.finish(ResultShape.unordered());
    }

    private GeneratedQuery setOperation() {
        Q q = new Q();
        // Both sides project the same typed columns, so every engine accepts the set operation.
        List<Expr> cols = new ArrayList<>();
        cols.add(new Expr(ID, Type.LONG, false));
        if (chance(0.7)) cols.add(column(q, Type.STR));
        if (chance(0.7)) cols.add(column(q, Type.DEC));
        boolean keepId = chance(0.7);
        if (!keepId) cols.removeFirst();
        if (cols.isEmpty()) cols.add(column(q, Type.DEC));
        Condition left = where(q), right = where(q);
        int kind = random.nextInt(10);
        String op;
        if (kind < 4) {
            op = "union all";
            q.add(Construct.UNION_ALL);
        } else if (kind < 7) {
            op = "union";
            q.add(Construct.UNION);
        } else if (kind < 9) {
            op = "except";
            q.add(Construct.EXCEPT);
            q.refusable(Refusable.EXCEPT);
        } else {
            op = "intersect";
            q.add(Construct.INTERSECT);
            q.refusable(Refusable.INTERSECT);
        }
        boolean strings = cols.stream().anyMatch(e -> e.strings);
        if (strings && !op.equals("union all")) q.refusable(Refusable.STRING_ORDER); // duplicates under a collation
        List<Field<?>> fields = cols.stream().<Field<?>>map(e -> e.field).toList();
        boolean ordered = chance(0.5);
        List<SortField<?>> sorts = new ArrayList<>();
        boolean total = false;
        if (ordered) {
            q.add(Construct.SET_OPERATION_ORDER_LIMIT);
            List<Integer> positions = new ArrayList<>();
            for (int i = 0; i < cols.size(); i++) positions.add(i);
            java.util.Collections.shuffle(positions, random);
            for (int i : positions) {
                Sort s = new Sort(cols.get(i).field, i, chance(0.5), nulls(), cols.get(i).strings);
                if (s.strings) q.refusable(Refusable.STRING_ORDER);
                q.add(Construct.ORDER_BY_POSITION);
                sorts.add(s.by(inline(i + 1)).field());
                q.sortsForShape.add(s);
                // By id, or by every column: rows equal on the sort keys are equal rows.
                if (cols.get(i).field == ID) {
                    total = true;
                    break;
                }
            }
            total = total || positions.size() == cols.size();
            q.sortShapeFlags();
        }
        Integer limit = null, offset = null;
        if (ordered && chance(0.6)) {
            limit = LIMITS[random.nextInt(LIMITS.length)];
            q.add(Construct.LIMIT);
            if (limit == 0) q.add(Construct.LIMIT_0);
            if (chance(0.3)) {
                offset = OFFSETS[random.nextInt(OFFSETS.length)];
                q.add(Construct.OFFSET);
            }
        }
        Integer l = limit, o = offset;
        GeneratedQuery.SelectBuilder builder = withLimit -> {
            var a = DSL.select(fields).from(ORDERS).where(left);
            var b = DSL.select(fields).from(ORDERS).where(right);
            SelectOrderByStep<Record> set = switch (op) {
                case "union all" -> a.unionAll(b);
                case "union" -> a.union(b);
                case "except" -> a.except(b);
                default -> a.intersect(b);
            };
            SelectLimitStep<Record> s = sorts.isEmpty() ? set : set.orderBy(sorts);
            if (!withLimit || l == null) return s;
            return o == null ? s.limit(l) : s.limit(l).offset(o);
        };
        ResultShape shape = !ordered ? ResultShape.unordered() : total ? ResultShape.total()
                : ResultShape.partial(q.sortsForShape.stream().map(Sort::column).toList(), limit != null);
        return q.finishWith(builder, shape);
    }

    // ---- derived tables, CTEs, joins and subqueries: colocated by the shard key, or not ---------------------------

    private static final Table<Record> T = table(name("t"));

    private static <X> Field<X> t(String column, DataType<X> type) {
        return field(name("t", column), type);
    }

    private static <X> Field<X> o(Field<X> f) {
        return field(name("o", f.getName()), f.getDataType());
    }

    private static <X> Field<X> l(Field<X> f) {
        return field(name("l", f.getName()), f.getDataType());
    }

    @SuppressWarnings("unchecked")
    private GeneratedQuery derived() {
        Q q = new Q();
        boolean cte = chance(0.4);
        boolean colocated = chance(0.65);
        q.add(cte ? Construct.CTE : Construct.DERIVED_TABLE);
        q.refusable(cte ? Refusable.CTE : Refusable.DERIVED_TABLE);
        // Inner: grouped by the shard key (each group on one shard), or by something else (groups span shards).
        Field<?> innerKey;
        Type innerType;
        if (colocated) {
            innerKey = CUSTOMER_ID;
            innerType = Type.LONG;
        } else {
            innerKey = List.of(STATUS, REGION, QUANTITY).get(random.nextInt(3));
            innerType = innerKey == QUANTITY ? Type.INT : Type.STR;
            if (innerType == Type.STR) q.refusable(Refusable.STRING_ORDER);
        }
        Condition innerWhere = chance(0.5) ? where(q) : DSL.noCondition();
        boolean grouped = colocated ? chance(0.8) : true;
        Select<?> inner = grouped
                ? DSL.select(innerKey.as("k"), DSL.count().as("n"), DSL.sum(TOTAL).as("s"), DSL.max(CREATED_ON).as("m"))
                        .from(ORDERS).where(innerWhere).groupBy(innerKey)
                : DSL.select(CUSTOMER_ID.as("k"), inline(1).as("n"), TOTAL.as("s"), CREATED_ON.as("m")).from(ORDERS).where(innerWhere);
        Field<Object> k = t("k", (DataType<Object>) (DataType<?>) innerKey.getDataType());
        Field<Integer> n = t("n", SQLDataType.INTEGER);
        Field<BigDecimal> s = t("s", SQLDataType.NUMERIC);
        Field<LocalDate> m = t("m", SQLDataType.LOCALDATE);
        // Outer: an aggregate over the groups, or the groups themselves with a filter.
        int outer = random.nextInt(3);
        List<SelectFieldOrAsterisk> items;
        List<GroupField> groupBy = List.of();
        List<SortField<?>> sorts = List.of();
        ResultShape shape;
        Condition outerWhere = chance(0.4) ? n.gt(inline(1)) : DSL.noCondition();
        if (outer == 0) {
            q.add(Construct.COUNT_STAR, Construct.SUM, Construct.MAX);
            items = List.of(DSL.count().as("c0"), DSL.sum(s).as("c1"), DSL.max(m).as("c2"));
            shape = ResultShape.total();
        } else if (outer == 1) {
            q.add(Construct.GROUP_BY, Construct.COUNT_STAR);
            items = List.of(n.as("c0"), DSL.count().as("c1"), DSL.sum(s).as("c2"));
            groupBy = List.of(n);
            sorts = List.of(n.asc());
            q.add(Construct.ORDER_BY_COLUMN);
            shape = ResultShape.total();
        } else {
            items = List.of(k.as("c0"), n.as("c1"), s.as("c2"));
            if (innerType == Type.STR) q.refusable(Refusable.STRING_ORDER);
            sorts = List.of(s.desc().nullsLast(), k.asc());
            q.add(Construct.ORDER_BY_COLUMN, Construct.LIMIT);
            // k is unique in t only when grouped (by customer), or make it so: order by every column of t.
            shape = grouped ? ResultShape.total() : ResultShape.partial(List.of(2, 0), true);
            if (!grouped) sorts = List.of(s.desc().nullsLast(), k.asc(), m.asc().nullsLast(), n.asc());
        }
        List<SelectFieldOrAsterisk> fi = items;
        List<GroupField> gb = groupBy;
        List<SortField<?>> so = sorts;
        Condition ow = outerWhere;
        boolean limited = outer == 2;
        GeneratedQuery.SelectBuilder builder = withLimit -> {
            Table<?> from = cte ? T : inner.asTable("t");
            var select = cte
                    ? DSL.with("t").as(inner).select(fi).from(from).where(ow)
                    : DSL.select(fi).from(from).where(ow);
            var grouped_ = gb.isEmpty() ? select : select.groupBy(gb);
            SelectLimitStep<Record> ordered = so.isEmpty() ? grouped_ : grouped_.orderBy(so);
            return limited && withLimit ? ordered.limit(10) : ordered;
        };
        return q.finishWith(builder, shape, colocated);
    }

    private GeneratedQuery join() {
        Q q = new Q();
        q.add(Construct.JOIN);
        q.refusable(Refusable.JOIN);
        boolean colocated = chance(0.7);
        boolean left = chance(0.3);
        Table<Record> ot = ORDERS.as("o"), lt = ORDER_LINES.as("l");
        Condition on = colocated
                ? l(LINE_ORDER_ID).eq(o(ID)).and(chance(0.6) ? l(LINE_CUSTOMER_ID).eq(o(CUSTOMER_ID)) : DSL.noCondition())
                : l(LINE_QTY).eq(o(QUANTITY)).and(l(LINE_NO).eq(inline(1)));
        Condition where = o(TOTAL).isNotNull().or(l(SKU).like(inline("A%")));
        q.add(Construct.WHERE, Construct.AND_OR_NOT, Construct.LIKE);
        boolean grouped = chance(0.55);
        List<SelectFieldOrAsterisk> items;
        List<GroupField> groupBy = List.of();
        List<SortField<?>> sorts;
        ResultShape shape;
        Integer limit = null;
        if (grouped) {
            q.add(Construct.GROUP_BY, Construct.COUNT_STAR, Construct.SUM);
            Field<?> key = List.of(o(STATUS), o(REGION), l(SKU), o(QUANTITY)).get(random.nextInt(4));
            if (key.getDataType().isString()) q.refusable(Refusable.STRING_ORDER);
            items = List.of(key.as("c0"), DSL.count().as("c1"), DSL.sum(l(LINE_QTY)).as("c2"), DSL.sum(l(PRICE)).as("c3"));
            groupBy = List.of(key);
            sorts = List.of(field(name("c0")).asc().nullsFirst());
            q.add(Construct.ORDER_BY_ALIAS);
            shape = ResultShape.total();
        } else {
            q.add(Construct.PROJECTION, Construct.ORDER_BY_COLUMN, Construct.LIMIT);
            items = List.of(o(ID).as("c0"), l(LINE_NO).as("c1"), l(SKU).as("c2"), l(PRICE).as("c3"), o(TOTAL).as("c4"));
            sorts = List.of(o(ID).asc(), l(LINE_NO).asc(), l(LINE_ORDER_ID).asc(), l(LINE_QTY).asc().nullsFirst());
            limit = new int[] {5, 50, 200}[random.nextInt(3)];
            // Colocated lines join their own order: (id, line_no) is unique. Across customers it is not.
            shape = colocated ? ResultShape.total() : ResultShape.partial(List.of(0, 1), true);
            if (!colocated) sorts = sorts.subList(0, 2);
        }
        if (left) q.add(Construct.JOIN);
        List<SelectFieldOrAsterisk> fi = items;
        List<GroupField> gb = groupBy;
        List<SortField<?>> so = sorts;
        Integer lim = limit;
        GeneratedQuery.SelectBuilder builder = withLimit -> {
            var from = left ? DSL.select(fi).from(ot).leftJoin(lt).on(on) : DSL.select(fi).from(ot).join(lt).on(on);
            var filtered = from.where(where);
            var g = gb.isEmpty() ? filtered : filtered.groupBy(gb);
            SelectLimitStep<Record> ordered = g.orderBy(so);
            return lim != null && withLimit ? ordered.limit(lim) : ordered;
        };
        return q.finishWith(builder, shape, colocated);
    }

    private GeneratedQuery subquery() {
        Q q = new Q();
        q.refusable(Refusable.SUBQUERY);
        boolean colocated = chance(0.65);
        Table<Record> ot = ORDERS.as("o"), lt = ORDER_LINES.as("l");
        String sku = OrdersData.SKUS.get(random.nextInt(OrdersData.SKUS.size() - 1));
        Condition where;
        Field<?> extra = null;
        switch (random.nextInt(3)) {
            case 0 -> {
                q.add(Construct.IN_SUBQUERY);
                // The shard key of lines with this SKU: every customer's lines are on its shard.
                where = colocated
                        ? o(CUSTOMER_ID).in(DSL.select(LINE_CUSTOMER_ID).from(ORDER_LINES).where(SKU.eq(literal(q, sku))))
                        : o(QUANTITY).in(DSL.select(LINE_QTY).from(ORDER_LINES).where(SKU.eq(literal(q, sku))));
            }
            case 1 -> {
                q.add(Construct.EXISTS_SUBQUERY, Construct.CORRELATED_SUBQUERY);
                Condition corr = colocated ? l(LINE_ORDER_ID).eq(o(ID)) : l(LINE_QTY).eq(o(QUANTITY)).and(l(SKU).eq(inline(sku)));
                where = chance(0.3) ? DSL.notExists(DSL.selectOne().from(lt).where(corr))
                        : DSL.exists(DSL.selectOne().from(lt).where(corr).and(l(PRICE).gt(inline(new BigDecimal("10.00")))));
            }
            default -> {
                q.add(Construct.SCALAR_SUBQUERY);
                if (colocated) {
                    q.add(Construct.CORRELATED_SUBQUERY);
                    extra = DSL.field(DSL.select(DSL.count()).from(lt).where(l(LINE_ORDER_ID).eq(o(ID))));
                    where = DSL.noCondition();
                } else {
                    extra = DSL.field(DSL.select(DSL.max(PRICE)).from(ORDER_LINES));
                    where = o(TOTAL).gt(DSL.field(DSL.select(DSL.avg(PRICE)).from(ORDER_LINES)));
                }
            }
        }
        q.add(Construct.WHERE);
        long from = random.nextLong(-1_000_000L, 7_000_000L);
        Condition w = where.and(o(ID).between(inline(from), inline(from + 3_000_000L)));
        boolean aggregate = chance(0.35);
        List<SelectFieldOrAsterisk> items = new ArrayList<>();
        List<SortField<?>> sorts = new ArrayList<>();
        ResultShape shape;
        if (aggregate) {
            q.add(Construct.COUNT_STAR, Construct.SUM);
            items.add(DSL.count().as("c0"));
            items.add(DSL.sum(o(TOTAL)).as("c1"));
            shape = ResultShape.total();
        } else {
            items.add(o(ID).as("c0"));
            items.add(o(STATUS).as("c1"));
            if (extra != null) items.add(extra.as("c2"));
            if (chance(0.7)) {
                sorts.add(chance(0.5) ? inline(1).desc() : o(ID).asc());
                q.add(Construct.ORDER_BY_POSITION);
                shape = ResultShape.total();
            } else {
                shape = ResultShape.unordered();
            }
        }
        Integer limit = !sorts.isEmpty() && chance(0.5) ? 20 : null;
        GeneratedQuery.SelectBuilder builder = withLimit -> {
            var s = DSL.select(items).from(ot).where(w);
            SelectLimitStep<Record> ordered = sorts.isEmpty() ? s : s.orderBy(sorts);
            return limit != null && withLimit ? ordered.limit(limit) : ordered;
        };
        return q.finishWith(builder, shape, colocated);
    }

    /** string_agg/listagg and array_agg, with a within-group ORDER BY or over groups of one value. */
    private GeneratedQuery orderDependentAggregate() {
        Q q = new Q();
        q.add(Construct.GROUP_BY);
        boolean array = chance(0.35);
        q.add(array ? Construct.ARRAY_AGG : Construct.STRING_AGG);
        q.refusable(array ? Refusable.aggregate("ARRAY_AGG") : Refusable.aggregate("STRING_AGG", "LISTAGG", "GROUP_CONCAT"));
        boolean ordered = chance(0.6);
        Field<?> agg;
        Field<?> key;
        Condition where = ID.between(inline(random.nextLong(-1_000_000L, 7_000_000L)), inline(9_000_000L));
        if (ordered) {
            q.add(Construct.WITHIN_GROUP_ORDER);
            key = List.of(REGION, QUANTITY, CREATED_ON).get(random.nextInt(3));
            agg = array ? DSL.arrayAgg(ID).orderBy(ID.desc()) : DSL.listAgg(DSL.cast(ID, SQLDataType.VARCHAR(30)), ",").withinGroupOrderBy(ID);
        } else {
            // Without an order the database may concatenate a group in any order: groups of one row pin it.
            key = ID;
            agg = array ? DSL.arrayAgg(QUANTITY) : DSL.groupConcat(STATUS).separator(";");
            where = where.and(ID.lt(inline(random.nextLong(-1_000_000L, 9_000_000L))));
        }
        if (key == REGION) q.refusable(Refusable.STRING_ORDER);
        Field<?> k = key;
        Field<?> a = agg;
        Condition w = where;
        GeneratedQuery.SelectBuilder builder = withLimit -> DSL.select(k.as("c0"), a.as("c1")).from(ORDERS).where(w)
                .groupBy(k).orderBy(k.asc().nullsFirst());
        return q.finishWith(builder, ResultShape.total(), false);
    }

    // ---- constructs a fan-out may refuse --------------------------------------------------------------------------

    private GeneratedQuery refusable() {
        Q q = new Q();
        GeneratedQuery.SelectBuilder builder;
        ResultShape shape = ResultShape.total();
        long from = random.nextLong(-1_000_000L, 7_000_000L);
        Condition window = ID.between(inline(from), inline(from + 2_000_000L));
        switch (random.nextInt(10)) {
            case 0, 1 -> {
                q.add(Construct.WINDOW_FUNCTION);
                q.refusable(Refusable.WINDOW_FUNCTION);
                Field<?> w = switch (random.nextInt(4)) {
                    case 0 -> DSL.rowNumber().over(DSL.orderBy(ID));
                    case 1 -> DSL.sum(TOTAL).over(DSL.partitionBy(CUSTOMER_ID));
                    case 2 -> DSL.rank().over(DSL.partitionBy(QUANTITY).orderBy(TOTAL.desc()));
                    default -> DSL.count().over(DSL.partitionBy(CUSTOMER_ID));
                };
                Integer limit = chance(0.5) ? 20 : null;
                builder = withLimit -> {
                    SelectLimitStep<?> s = DSL.select(ID, TOTAL, w.as("w")).from(ORDERS).where(window).orderBy(ID);
                    return withLimit && limit != null ? s.limit(limit) : s;
                };
            }
            case 2 -> {
                q.add(Construct.LIMIT_PERCENT);
                q.refusable(Refusable.LIMIT_PERCENT);
                int pct = new int[] {1, 5, 10, 33}[random.nextInt(4)];
                builder = withLimit -> {
                    SelectLimitStep<?> s = DSL.select(ID, QUANTITY, TOTAL).from(ORDERS).orderBy(TOTAL.desc().nullsLast(), ID);
                    return withLimit ? s.limit(pct).percent() : s;
                };
            }
            case 3 -> {
                q.add(Construct.WITH_TIES);
                q.refusable(Refusable.WITH_TIES);
                int n = new int[] {1, 3, 10}[random.nextInt(3)];
                Field<?> key = List.of(TOTAL, QUANTITY, CREATED_AT).get(random.nextInt(3));
                boolean desc = chance(0.5);
                builder = withLimit -> {
                    SelectLimitStep<?> s = DSL.select(key, ID).from(ORDERS).where(window)
                            .orderBy(desc ? key.desc().nullsLast() : key.asc().nullsLast());
                    return withLimit ? s.limit(n).withTies() : s;
                };
                // WITH TIES never cuts inside a tie, so which rows come back is fixed; only their order within ties is not.
                shape = ResultShape.partial(List.of(0), false);
            }
            case 4 -> {
                q.add(Construct.SELECT_WITHOUT_FROM);
                q.refusable(Refusable.NO_FROM);
                int a = random.nextInt(100);
                builder = withLimit -> DSL.select(inline(a).add(inline(1)).as("c0"), inline("x").as("c1"));
            }
            case 5 -> {
                q.add(Construct.SELECT_STAR);
                q.refusable(Refusable.SELECT_STAR);
                builder = withLimit -> DSL.select(DSL.asterisk()).from(ORDERS).where(window).orderBy(ID);
            }
            case 6 -> {
                q.add(Construct.DISTINCT_ON);
                q.refusable(Refusable.DISTINCT_ON);
                builder = withLimit -> DSL.selectDistinct(QUANTITY, ID, TOTAL).on(QUANTITY).from(ORDERS).where(window)
                        .orderBy(QUANTITY.asc().nullsFirst(), ID.asc());
            }
            case 7 -> {
                q.add(Construct.PLAIN_SQL);
                q.refusable(Refusable.PLAIN_SQL);
                builder = withLimit -> DSL.select(ID, DSL.field("{0} * 2", BigDecimal.class, TOTAL).as("c1")).from(ORDERS)
                        .where(window).and(DSL.condition("{0} is not null", QUANTITY)).orderBy(ID);
            }
            case 8 -> {
                boolean avg = chance(0.5);
                q.add(avg ? Construct.FLOAT_AVG : Construct.FLOAT_SUM);
                q.refusable(avg ? Refusable.FLOAT_AVG : Refusable.FLOAT_SUM);
                Field<Double> d = DSL.cast(WEIGHT, SQLDataType.DOUBLE);
                builder = withLimit -> DSL.select(QUANTITY, avg ? DSL.avg(d).as("c1") : DSL.sum(d).as("c1")).from(ORDERS)
                        .groupBy(QUANTITY).orderBy(QUANTITY.asc().nullsFirst());
            }
            default -> {
                boolean nested = chance(0.4);
                if (nested) {
                    // Not valid SQL on these engines: the single database rejects it, so only a refusal is right.
                    q.add(Construct.NESTED_AGGREGATE);
                    q.refusable(Refusable.NESTED_AGGREGATE);
                    builder = withLimit -> DSL.select(DSL.max(DSL.sum(TOTAL)).as("c0")).from(ORDERS).groupBy(QUANTITY);
                } else {
                    q.add(Construct.COUNT_DISTINCT, Construct.GROUP_BY);
                    q.refusable(Refusable.COUNT_DISTINCT);
                    builder = withLimit -> DSL.select(QUANTITY, DSL.countDistinct(CUSTOMER_ID).as("c1"), DSL.count().as("c2"))
                            .from(ORDERS).groupBy(QUANTITY).orderBy(QUANTITY.asc().nullsFirst());
                }
            }
        }
        return q.finishWith(builder, shape, false);
    }

    // ==== ORDER BY and LIMIT ====================================================================================

    /** Sorts by {@code n} of the selected items, each by column, position, alias or expression. */
    private void orderItems(Q q, int n) {
        List<Integer> indexes = new ArrayList<>();
        for (int i = 0; i < q.items.size(); i++) indexes.add(i);
        java.util.Collections.shuffle(indexes, random);
        for (int i : indexes.subList(0, Math.min(n, indexes.size()))) q.sorts.add(sortOf(q, i));
    }

    private Sort sortOf(Q q, int i) {
        Item item = q.items.get(i);
        Sort s = new Sort(item.expr.field, i, chance(0.5), nulls(), item.expr.strings);
        int how = random.nextInt(4);
        if (how == 1) {
            q.add(Construct.ORDER_BY_POSITION);
            return s.by(inline(i + 1));
        }
        if (how == 2 && item.alias != null) {
            q.add(Construct.ORDER_BY_ALIAS);
            // jOOQ emulates NULLS FIRST/LAST on MariaDB as nvl2(alias, 1, 0), and MariaDB refuses an alias of an
            // aggregate inside an expression: sort aggregates by alias with the default NULLs order.
            if (q.aggregates.contains(item.expr)) s = new Sort(s.expr, s.column, s.desc, Nulls.DEFAULT, s.strings);
            return s.by(field(name(item.alias)));
        }
        q.add(isColumn(item.expr.field) ? Construct.ORDER_BY_COLUMN : Construct.ORDER_BY_EXPRESSION);
        return s;
    }

    private static boolean isColumn(Field<?> f) {
        return f == ID || f == CUSTOMER_ID || f == STATUS || f == TOTAL || f == QUANTITY || f == CREATED_ON
                || f == CREATED_AT || f == REGION || f == SHIP_MODE || f == NOTE || f == WEIGHT || f == POINTS;
    }

    private Nulls nulls() {
        return Nulls.values()[random.nextInt(Nulls.values().length)];
    }

    private ResultShape partial(Q q) {
        return ResultShape.partial(q.sorts.stream().map(Sort::column).toList(), q.limit != null || q.offset != null);
    }

    private void limit(Q q, boolean limited) {
        if (limited) {
            q.limit = LIMITS[random.nextInt(LIMITS.length)];
            if (chance(0.4)) q.offset = OFFSETS[random.nextInt(OFFSETS.length)];
        } else if (chance(0.12)) {
            q.offset = OFFSETS[random.nextInt(OFFSETS.length)];
            q.add(Construct.OFFSET_WITHOUT_LIMIT);
        }
        if (q.limit != null) q.add(Construct.LIMIT);
        if (q.limit != null && q.limit == 0) q.add(Construct.LIMIT_0);
        if (q.offset != null) q.add(Construct.OFFSET);
    }

    // ==== values from the data ====================================================================================

    private Order someOrder() {
        return data.orders().get(random.nextInt(data.orders().size()));
    }

    private BigDecimal someTotal() {
        BigDecimal t = someOrder().total();
        return t != null ? t : COMMON_TOTALS.get(random.nextInt(COMMON_TOTALS.size()));
    }

    private String someString() {
        Order o = someOrder();
        String s = switch (random.nextInt(3)) {
            case 0 -> o.status();
            case 1 -> o.region();
            default -> o.shipMode();
        };
        return s != null ? s : "paid";
    }

    private LocalDate someDate() {
        LocalDate d = someOrder().createdOn();
        return d != null ? d : OrdersData.FIRST_DAY.plusDays(random.nextInt(OrdersData.DAYS));
    }

    private boolean chance(double p) {
        return random.nextDouble() < p;
    }

    // ==== the query model =========================================================================================

    private enum Nulls { DEFAULT, FIRST, LAST }

    /** A generated expression: its field, its type, whether its value is (or contains) a string. */
    private record Expr(Field<?> field, Type type, boolean strings, boolean grouping) {
        Expr(Field<?> field, Type type, boolean strings) {
            this(field, type, strings, false);
        }

        @SuppressWarnings("unchecked")
        <X> Field<X> f(Class<X> type) {
            return (Field<X>) field;
        }
    }

    /** A select-list entry. */
    private record Item(Expr expr, String alias) {
        SelectFieldOrAsterisk selected() {
            return alias == null ? expr.field : expr.field.as(alias);
        }
    }

    /**
     * An ORDER BY key; {@code column} is its position in the select list, -1 when it is not selected; {@code by} is
     * what the ORDER BY names (the expression, a position or an alias).
     */
    private record Sort(Field<?> expr, int column, boolean desc, Nulls nulls, boolean strings, Field<?> by) {
        Sort(Field<?> expr, int column, boolean desc, Nulls nulls, boolean strings) {
            this(expr, column, desc, nulls, strings, expr);
        }

        Sort by(Field<?> name) {
            return new Sort(expr, column, desc, nulls, strings, name);
        }

        SortField<?> field() {
            SortField<?> f = desc ? by.desc() : by.asc();
            return switch (nulls) {
                case DEFAULT -> f;
                case FIRST -> f.nullsFirst();
                case LAST -> f.nullsLast();
            };
        }
    }

    /** A query being generated; {@link #finish} freezes a plain SELECT, {@link #finishWith} any other. */
    private final class Q {
        final List<Item> items = new ArrayList<>();
        final List<GroupField> groupBy = new ArrayList<>();
        final List<Sort> sorts = new ArrayList<>();
        final List<Sort> sortsForShape = new ArrayList<>();
        final Set<Construct> constructs = EnumSet.noneOf(Construct.class);
        final Set<Refusable> refusable = new LinkedHashSet<>();
        /** Select-list expressions over aggregates. */
        final Set<Expr> aggregates = new HashSet<>();
        boolean distinct;
        boolean filterAggregate;
        boolean caseOverAggregates;
        Condition where;
        Condition having;
        Integer limit;
        Integer offset;

        void add(Construct... cs) {
            constructs.addAll(List.of(cs));
        }

        void refusable(Refusable r) {
            refusable.add(r);
        }

        void item(Expr e, boolean aliased) {
            items.add(new Item(e, aliased ? "c" + items.size() : null));
        }

        /** Aliases about half the unaliased expressions, so ORDER BY can name them. */
        void aliasItems(String prefix) {
            for (int i = 0; i < items.size(); i++) {
                Item it = items.get(i);
                if (it.alias == null && chance(0.5)) items.set(i, new Item(it.expr, prefix + i));
            }
        }

        void sortShapeFlags() {
            sortFlags(sortsForShape);
        }

        private void sortFlags(List<Sort> sorts) {
            if (sorts.isEmpty()) return;
            if (sorts.size() >= 2) add(Construct.ORDER_BY_2_OR_MORE);
            for (Sort s : sorts) {
                add(s.desc ? Construct.DESC : Construct.ASC);
                add(switch (s.nulls) {
                    case DEFAULT -> Construct.NULLS_DEFAULT;
                    case FIRST -> Construct.NULLS_FIRST;
                    case LAST -> Construct.NULLS_LAST;
                });
                if (s.strings) {
                    add(Construct.STRING_ORDER);
                    refusable(Refusable.STRING_ORDER);
                }
            }
        }

        GeneratedQuery finish(ResultShape shape) {
            if (shape.ordering() == ResultShape.Ordering.PARTIAL && shape.sortColumns().contains(-1)) {
                throw new AssertionError("query " + number + ": a partial ORDER BY on an unselected column cannot be compared");
            }
            sortFlags(sorts);
            List<SelectFieldOrAsterisk> selected = items.stream().map(Item::selected).toList();
            List<GroupField> frozenGroupBy = List.copyOf(groupBy);
            List<SortField<?>> sortFields = sorts.stream().<SortField<?>>map(Sort::field).toList();
            boolean isDistinct = distinct;
            Condition w = where, h = having;
            Integer l = limit, o = offset;
            GeneratedQuery.SelectBuilder builder = withLimit -> build(isDistinct, selected, w, frozenGroupBy, h,
                    sortFields, withLimit ? l : null, withLimit ? o : null);
            return finishWith(builder, shape, false);
        }

        GeneratedQuery finishWith(GeneratedQuery.SelectBuilder builder, ResultShape shape) {
            return finishWith(builder, shape, false);
        }

        /**
         * @param colocated for a query with joins, derived tables or subqueries: whether they relate rows of one
         *                  customer only; if not, the fan-out must refuse the query
         */
        GeneratedQuery finishWith(GeneratedQuery.SelectBuilder builder, ResultShape shape, boolean colocated) {
            boolean relates = constructs.contains(Construct.JOIN) || constructs.contains(Construct.DERIVED_TABLE)
                    || constructs.contains(Construct.CTE) || refusable.contains(Refusable.SUBQUERY);
            if (relates && colocated) add(Construct.COLOCATED);
            return new GeneratedQuery(number, builder, shape, refusable, constructs, relates && colocated, relates && !colocated);
        }
    }

    private static Select<Record> build(boolean distinct, List<SelectFieldOrAsterisk> selected, Condition where,
                                        List<GroupField> groupBy, Condition having, List<SortField<?>> sorts,
                                        Integer limit, Integer offset) {
        var from = (distinct ? DSL.selectDistinct(selected) : DSL.select(selected)).from(ORDERS);
        var filtered = where == null ? from : from.where(where);
        // groupBy() with no fields would render GROUP BY (): only call it with fields.
        var grouped = groupBy.isEmpty() ? filtered : filtered.groupBy(groupBy);
        var having_ = having == null ? grouped : grouped.having(having);
        SelectLimitStep<Record> ordered = sorts.isEmpty() ? having_ : having_.orderBy(sorts);
        if (limit == null) return offset == null ? ordered : ordered.offset(offset);
        return offset == null ? ordered.limit(limit) : ordered.limit(limit).offset(offset);
    }
}
