package io.shardkit.query.differential;

import static io.shardkit.query.differential.OrdersData.COLUMNS;
import static io.shardkit.query.differential.OrdersData.COMMON_TOTALS;
import static io.shardkit.query.differential.OrdersData.CREATED_AT;
import static io.shardkit.query.differential.OrdersData.CREATED_ON;
import static io.shardkit.query.differential.OrdersData.CUSTOMER_ID;
import static io.shardkit.query.differential.OrdersData.ID;
import static io.shardkit.query.differential.OrdersData.ORDERS;
import static io.shardkit.query.differential.OrdersData.QUANTITY;
import static io.shardkit.query.differential.OrdersData.REGION;
import static io.shardkit.query.differential.OrdersData.STATUS;
import static io.shardkit.query.differential.OrdersData.TOTAL;
import static org.jooq.impl.DSL.avg;
import static org.jooq.impl.DSL.count;
import static org.jooq.impl.DSL.countDistinct;
import static org.jooq.impl.DSL.lower;
import static org.jooq.impl.DSL.max;
import static org.jooq.impl.DSL.min;
import static org.jooq.impl.DSL.not;
import static org.jooq.impl.DSL.orderBy;
import static org.jooq.impl.DSL.partitionBy;
import static org.jooq.impl.DSL.rank;
import static org.jooq.impl.DSL.rowNumber;
import static org.jooq.impl.DSL.sum;
import static org.jooq.impl.DSL.year;

import io.shardkit.query.differential.OrdersData.Order;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import org.jooq.Condition;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Select;
import org.jooq.SelectFieldOrAsterisk;
import org.jooq.SelectGroupByStep;
import org.jooq.SelectHavingStep;
import org.jooq.SelectJoinStep;
import org.jooq.SelectLimitPercentStep;
import org.jooq.SelectLimitStep;
import org.jooq.SelectOrderByStep;
import org.jooq.SortField;
import org.jooq.impl.DSL;

/**
 * Seeded generator of queries over {@code orders}: projections with WHERE, ORDER BY 1–3 keys (ASC/DESC, NULLS
 * FIRST/LAST/default, unselected keys), LIMIT and OFFSET; COUNT/SUM/MIN/MAX/AVG over the whole table; GROUP BY one or
 * two columns or an expression, with HAVING on selected or unselected aggregates; DISTINCT; and their combinations.
 * About one query in twelve uses, on purpose, a construct a fan-out may refuse ({@link Refusable}).
 *
 * <p>The same seed and data give the same queries in the same order. Predicate constants come from the data, so
 * WHERE and HAVING select something. Each query knows how strictly its answer can be compared ({@link ResultShape}).
 */
final class QueryGenerator {
    /** Columns with tens of values, many rows each. */
    private static final List<Field<?>> FEW_VALUES = List.of(STATUS, REGION, QUANTITY);
    /** Columns with hundreds of values, a few rows each. */
    private static final List<Field<?>> MANY_VALUES = List.of(CUSTOMER_ID, CREATED_ON, TOTAL);
    /** Columns that hold duplicates: fit for GROUP BY and DISTINCT. */
    private static final List<Field<?>> GROUPABLE = List.of(STATUS, REGION, QUANTITY, CUSTOMER_ID, CREATED_ON, TOTAL);
    private static final Field<Integer> YEAR = year(CREATED_ON);
    private static final List<Field<?>> NULLABLE = List.of(STATUS, TOTAL, QUANTITY, CREATED_ON, CREATED_AT, REGION);
    private static final int[] LIMITS = {0, 1, 2, 3, 5, 10, 25, 100, 500};
    private static final int[] OFFSETS = {1, 2, 7, 20, 150, 2_900};

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
        if (roll < 34) return projection();
        if (roll < 46) return aggregates();
        if (roll < 78) return grouped();
        if (roll < 92) return distinct();
        return refusable();
    }

    // ---- the query kinds ---------------------------------------------------------------------------------------

    private GeneratedQuery projection() {
        Spec q = new Spec();
        List<Field<?>> columns = new ArrayList<>(shuffled(COLUMNS).subList(0, 1 + random.nextInt(5)));
        if (!columns.contains(ID) && chance(0.5)) columns.add(random.nextInt(columns.size() + 1), ID);
        columns.forEach(c -> q.items.add(new Item(c, null, false)));
        q.where = chance(0.9) ? predicate(q.constructs) : null;
        if (chance(0.5)) {
            // A window of ids keeps most answers to hundreds of rows, not thousands: as good at catching a bad
            // merge, and the run stays quick.
            if (q.where != null) q.constructs.add(Construct.AND_OR_NOT);
            q.where = q.where == null ? idWindow() : q.where.and(idWindow());
            q.constructs.add(Construct.WHERE);
        }
        if (chance(0.75)) {
            List<Integer> keys = shuffledIndexes(q.items.size());
            keys = keys.subList(0, Math.min(keys.size(), 1 + random.nextInt(3)));
            if (chance(0.15)) {
                List<Field<?>> unselected = COLUMNS.stream().filter(c -> !columns.contains(c)).toList();
                if (!unselected.isEmpty()) {
                    // Sorting by a column not in the output is only comparable row by row when the order is total.
                    q.sorts.add(sort(unselected.get(random.nextInt(unselected.size())), -1));
                    q.constructs.add(Construct.ORDER_BY_UNSELECTED);
                }
            }
            keys.forEach(i -> q.sorts.add(sort(q.items.get(i).expr, i)));
            boolean hasId = q.sorts.stream().anyMatch(s -> s.expr == ID);
            if (!hasId && (q.constructs.contains(Construct.ORDER_BY_UNSELECTED) || chance(0.4))) {
                q.sorts.add(sort(ID, columns.indexOf(ID)));
                hasId = true;
            }
            limit(q, chance(0.5));
            return q.finish(hasId ? ResultShape.total() : partial(q));
        }
        return q.finish(ResultShape.unordered());
    }

    private GeneratedQuery aggregates() {
        Spec q = new Spec();
        int n = 1 + random.nextInt(4);
        for (int i = 0; i < n; i++) q.items.add(aggregate(q.constructs, i));
        q.where = chance(0.7) ? predicate(q.constructs) : null;
        return q.finish(ResultShape.total()); // one row
    }

    private GeneratedQuery grouped() {
        Spec q = new Spec();
        List<Item> keys = new ArrayList<>();
        keys.add(new Item(GROUPABLE.get(random.nextInt(GROUPABLE.size())), null, false));
        if (chance(0.3)) {
            // A second key with few values, so two keys make tens of groups more than one does, not thousands.
            Field<?> second = FEW_VALUES.get(random.nextInt(FEW_VALUES.size()));
            if (second != keys.getFirst().expr) keys.add(new Item(second, null, false));
        }
        if (chance(0.12)) {
            keys.set(0, new Item(YEAR, "yr", false));
            q.constructs.add(Construct.GROUP_BY_EXPRESSION);
        }
        List<Item> aggregates = new ArrayList<>();
        int n = 1 + random.nextInt(3);
        for (int i = 0; i < n; i++) aggregates.add(aggregate(q.constructs, i));
        if (chance(0.75)) {
            q.items.addAll(keys);
            q.items.addAll(aggregates);
        } else {
            q.items.addAll(aggregates);
            q.items.addAll(keys);
        }
        keys.forEach(k -> q.groupBy.add(k.expr));
        q.constructs.add(Construct.GROUP_BY);
        q.where = chance(0.5) ? predicate(q.constructs) : null;
        if (chance(0.35)) {
            q.having = having();
            q.constructs.add(Construct.HAVING);
        }
        if (chance(0.7)) {
            List<Integer> chosen = shuffledIndexes(q.items.size());
            chosen = new ArrayList<>(chosen.subList(0, Math.min(chosen.size(), 1 + random.nextInt(3))));
            if (chance(0.5)) {
                for (Item k : keys) {
                    int i = q.items.indexOf(k);
                    if (!chosen.contains(i)) chosen.add(i);
                }
            }
            chosen.forEach(i -> q.sorts.add(sort(q.items.get(i).expr, i)));
            // One row per group: sorting by every group key is total.
            boolean total = keys.stream().allMatch(k -> q.sorts.stream().anyMatch(s -> s.expr == k.expr));
            limit(q, chance(0.4));
            return q.finish(total ? ResultShape.total() : partial(q));
        }
        return q.finish(ResultShape.unordered());
    }

    private GeneratedQuery distinct() {
        Spec q = new Spec();
        q.distinct = true;
        q.constructs.add(Construct.DISTINCT);
        List<Field<?>> columns = new ArrayList<>(shuffled(FEW_VALUES).subList(0, 1 + random.nextInt(2)));
        if (chance(0.4)) columns.add(random.nextInt(columns.size() + 1), MANY_VALUES.get(random.nextInt(MANY_VALUES.size())));
        columns.forEach(c -> q.items.add(new Item(c, null, false)));
        q.where = chance(0.6) ? predicate(q.constructs) : null;
        if (chance(0.6)) {
            List<Integer> chosen = shuffledIndexes(q.items.size());
            if (!chance(0.5)) chosen = chosen.subList(0, 1 + random.nextInt(chosen.size()));
            chosen.forEach(i -> q.sorts.add(sort(q.items.get(i).expr, i)));
            limit(q, chance(0.4));
            return q.finish(q.sorts.size() == q.items.size() ? ResultShape.total() : partial(q));
        }
        return q.finish(ResultShape.unordered());
    }

    private GeneratedQuery refusable() {
        Refusable construct = Refusable.values()[random.nextInt(Refusable.values().length)];
        Spec q = new Spec();
        q.refusable = construct;
        switch (construct) {
            case COUNT_DISTINCT -> {
                q.constructs.add(Construct.COUNT_DISTINCT);
                Field<?> counted = List.of(STATUS, CUSTOMER_ID, REGION, TOTAL).get(random.nextInt(4));
                q.where = chance(0.5) ? predicate(q.constructs) : null;
                if (chance(0.5)) {
                    q.items.add(new Item(countDistinct(counted), null, false));
                    q.items.add(new Item(count(), null, false));
                    return q.finish(ResultShape.total());
                }
                q.items.add(new Item(REGION, null, false));
                q.items.add(new Item(countDistinct(counted), "n", false));
                q.groupBy.add(REGION);
                q.sorts.add(new Sort(REGION, false, Nulls.LAST, 0));
                q.constructs.add(Construct.GROUP_BY);
                return q.finish(ResultShape.total());
            }
            case WINDOW_FUNCTION -> {
                q.constructs.add(Construct.WINDOW_FUNCTION);
                Field<?> window = switch (random.nextInt(4)) {
                    case 0 -> rowNumber().over(orderBy(ID));
                    case 1 -> sum(TOTAL).over(partitionBy(REGION));
                    case 2 -> rank().over(partitionBy(STATUS).orderBy(TOTAL.desc()));
                    default -> count().over(partitionBy(CUSTOMER_ID));
                };
                q.items.add(new Item(ID, null, false));
                q.items.add(new Item(TOTAL, null, false));
                q.items.add(new Item(window, "w", false));
                q.where = chance(0.5) ? predicate(q.constructs) : null;
                q.sorts.add(new Sort(ID, false, Nulls.DEFAULT, 0));
                if (chance(0.5)) {
                    q.limit = 20;
                    q.constructs.add(Construct.LIMIT);
                }
                return q.finish(ResultShape.total());
            }
            case LIMIT_PERCENT -> {
                q.constructs.add(Construct.LIMIT_PERCENT);
                for (Field<?> f : List.of(ID, STATUS, TOTAL)) q.items.add(new Item(f, null, false));
                q.where = chance(0.5) ? predicate(q.constructs) : null;
                q.sorts.add(new Sort(TOTAL, true, Nulls.LAST, 2));
                q.sorts.add(new Sort(ID, false, Nulls.DEFAULT, 0));
                q.limit = new int[] {1, 5, 10, 33}[random.nextInt(4)];
                q.percent = true;
                return q.finish(ResultShape.total());
            }
            case WITH_TIES -> {
                q.constructs.add(Construct.WITH_TIES);
                List<Field<?>> columns = List.of(ID, TOTAL, QUANTITY, CREATED_AT);
                columns.forEach(f -> q.items.add(new Item(f, null, false)));
                q.where = chance(0.5) ? predicate(q.constructs) : null;
                // total and quantity have huge ties at their extremes, which every shard holds; created_at has small ones.
                int key = 1 + random.nextInt(3);
                q.sorts.add(new Sort(columns.get(key), chance(0.5), Nulls.LAST, key));
                q.limit = new int[] {1, 3, 10}[random.nextInt(3)];
                q.withTies = true;
                // WITH TIES never cuts inside a tie, so which rows come back is fixed; only their order within ties is not.
                return q.finish(ResultShape.partial(q.sortColumns(), false));
            }
        }
        throw new AssertionError(construct);
    }

    // ---- parts -------------------------------------------------------------------------------------------------

    private ResultShape partial(Spec q) {
        return ResultShape.partial(q.sortColumns(), q.limit != null || q.offset != null);
    }

    private void limit(Spec q, boolean limited) {
        if (limited) {
            q.limit = LIMITS[random.nextInt(LIMITS.length)];
            if (chance(0.4)) q.offset = OFFSETS[random.nextInt(OFFSETS.length)];
        } else if (chance(0.12)) {
            q.offset = OFFSETS[random.nextInt(OFFSETS.length)];
        }
        if (q.limit != null) q.constructs.add(Construct.LIMIT);
        if (q.offset != null) q.constructs.add(Construct.OFFSET);
    }

    private Sort sort(Field<?> expr, int column) {
        return new Sort(expr, chance(0.5), Nulls.values()[random.nextInt(Nulls.values().length)], column);
    }

    private Item aggregate(Set<Construct> constructs, int index) {
        String alias = chance(0.4) ? "a" + index : null;
        int roll = random.nextInt(12);
        Item item = switch (roll) {
            case 0, 1 -> new Item(count(), alias, false);
            case 2 -> new Item(count(NULLABLE.get(random.nextInt(NULLABLE.size()))), alias, false);
            case 3 -> new Item(sum(TOTAL), alias, false);
            case 4 -> new Item(sum(QUANTITY), alias, false);
            case 5 -> new Item(sum(ID), alias, false);
            case 6 -> new Item(avg(TOTAL), alias, true);
            case 7 -> new Item(avg(QUANTITY), alias, true);
            case 8, 9 -> new Item(min(COLUMNS.get(random.nextInt(COLUMNS.size()))), alias, false);
            default -> new Item(max(COLUMNS.get(random.nextInt(COLUMNS.size()))), alias, false);
        };
        constructs.add(switch (roll) {
            case 0, 1, 2 -> Construct.COUNT;
            case 3, 4, 5 -> Construct.SUM;
            case 6, 7 -> Construct.AVG;
            case 8, 9 -> Construct.MIN;
            default -> Construct.MAX;
        });
        return item;
    }

    private Condition having() {
        Supplier<Condition> one = () -> switch (random.nextInt(6)) {
            case 0 -> count().gt(new int[] {1, 2, 5, 20}[random.nextInt(4)]);
            case 1 -> sum(TOTAL).gt(someTotal());
            case 2 -> min(QUANTITY).le(random.nextInt(-1, 6));
            case 3 -> avg(TOTAL).lt(someTotal());
            case 4 -> max(CREATED_ON).ge(someDate());
            default -> count(STATUS).ge(random.nextInt(0, 4));
        };
        return chance(0.7) ? one.get() : one.get().and(one.get());
    }

    private Condition predicate(Set<Construct> constructs) {
        constructs.add(Construct.WHERE);
        int roll = random.nextInt(100);
        if (roll < 60) return atom();
        constructs.add(Construct.AND_OR_NOT);
        if (roll < 85) return atom().and(atom());
        if (roll < 95) return atom().or(atom());
        return not(atom());
    }

    private Condition atom() {
        Order o = someOrder();
        return switch (random.nextInt(14)) {
            case 0 -> TOTAL.gt(someTotal());
            case 1 -> {
                BigDecimal a = someTotal(), b = someTotal();
                yield a.compareTo(b) <= 0 ? TOTAL.between(a, b) : TOTAL.between(b, a);
            }
            case 2 -> chance(0.5) ? TOTAL.isNull() : TOTAL.isNotNull();
            case 3 -> TOTAL.eq(COMMON_TOTALS.get(random.nextInt(COMMON_TOTALS.size())));
            case 4 -> QUANTITY.ge(random.nextInt(-2, 9));
            case 5 -> chance(0.5) ? QUANTITY.isNull() : QUANTITY.in(1, 2, 3, 0, -1);
            case 6 -> o.status() == null ? STATUS.isNull() : STATUS.eq(o.status());
            case 7 -> STATUS.in(someStatus(), someStatus(), someStatus());
            case 8 -> switch (random.nextInt(4)) {
                case 0 -> STATUS.like("p%");
                case 1 -> STATUS.like("%ü%");
                case 2 -> STATUS.notLike("%e%");
                default -> lower(STATUS).eq("new");
            };
            case 9 -> {
                LocalDate a = someDate(), b = someDate();
                yield chance(0.3) ? CREATED_ON.lt(a) : a.isAfter(b) ? CREATED_ON.between(b, a) : CREATED_ON.between(a, b);
            }
            case 10 -> o.createdAt() == null ? CREATED_AT.isNull() : CREATED_AT.ge(o.createdAt());
            case 11 -> switch (random.nextInt(3)) {
                case 0 -> o.region() == null ? REGION.isNull() : REGION.eq(o.region());
                case 1 -> REGION.isDistinctFrom("eu");
                default -> REGION.isNotNull();
            };
            case 12 -> chance(0.5) ? CUSTOMER_ID.eq(o.customerId())
                    : CUSTOMER_ID.in(o.customerId(), someOrder().customerId(), someOrder().customerId());
            default -> chance(0.5) ? ID.lt(o.id()) : ID.between(Math.min(o.id(), someOrder().id()), Math.max(o.id(), someOrder().id()));
        };
    }

    /** About a fifth of the orders: most ids are spread evenly over [-1,000,000, 9,000,000). */
    private Condition idWindow() {
        long from = random.nextLong(-1_000_000L, 7_000_000L);
        return ID.between(from, from + 2_000_000L);
    }

    private Order someOrder() {
        return data.orders().get(random.nextInt(data.orders().size()));
    }

    private BigDecimal someTotal() {
        BigDecimal t = someOrder().total();
        return t != null ? t : COMMON_TOTALS.get(random.nextInt(COMMON_TOTALS.size()));
    }

    private String someStatus() {
        String s = someOrder().status();
        return s != null ? s : "paid";
    }

    private LocalDate someDate() {
        LocalDate d = someOrder().createdOn();
        return d != null ? d : OrdersData.FIRST_DAY.plusDays(random.nextInt(OrdersData.DAYS));
    }

    private boolean chance(double p) {
        return random.nextDouble() < p;
    }

    private <T> List<T> shuffled(List<T> list) {
        List<T> copy = new ArrayList<>(list);
        java.util.Collections.shuffle(copy, random);
        return copy;
    }

    private List<Integer> shuffledIndexes(int n) {
        List<Integer> indexes = new ArrayList<>();
        for (int i = 0; i < n; i++) indexes.add(i);
        java.util.Collections.shuffle(indexes, random);
        return indexes;
    }

    // ---- the query model ---------------------------------------------------------------------------------------

    private enum Nulls { DEFAULT, FIRST, LAST }

    /** A select-list entry; {@code exact} marks AVG, whose type and scale must match the database's. */
    private record Item(Field<?> expr, String alias, boolean exact) {
        SelectFieldOrAsterisk selected() {
            return alias == null ? expr : expr.as(alias);
        }
    }

    /** An ORDER BY key; {@code column} is its position in the select list, -1 when it is not selected. */
    private record Sort(Field<?> expr, boolean desc, Nulls nulls, int column) {
        SortField<?> field() {
            SortField<?> f = desc ? expr.desc() : expr.asc();
            return switch (nulls) {
                case DEFAULT -> f;
                case FIRST -> f.nullsFirst();
                case LAST -> f.nullsLast();
            };
        }
    }

    /** A query being generated; {@link #finish} freezes it into a {@link GeneratedQuery}. */
    private final class Spec {
        final List<Item> items = new ArrayList<>();
        final List<Field<?>> groupBy = new ArrayList<>();
        final List<Sort> sorts = new ArrayList<>();
        final Set<Construct> constructs = EnumSet.noneOf(Construct.class);
        boolean distinct;
        Condition where;
        Condition having;
        Integer limit;
        Integer offset;
        boolean percent;
        boolean withTies;
        Refusable refusable;

        List<Integer> sortColumns() {
            return sorts.stream().map(Sort::column).toList();
        }

        GeneratedQuery finish(ResultShape shape) {
            if (shape.ordering() == ResultShape.Ordering.PARTIAL && shape.sortColumns().contains(-1)) {
                throw new AssertionError("query " + number + ": a partial ORDER BY on an unselected column cannot be compared");
            }
            Set<Integer> exact = new java.util.HashSet<>();
            for (int i = 0; i < items.size(); i++) if (items.get(i).exact) exact.add(i);
            if (!sorts.isEmpty()) {
                constructs.add(switch (Math.min(3, sorts.size())) {
                    case 1 -> Construct.ORDER_BY_1;
                    case 2 -> Construct.ORDER_BY_2;
                    default -> Construct.ORDER_BY_3;
                });
            }
            for (Sort s : sorts) {
                constructs.add(s.desc ? Construct.DESC : Construct.ASC);
                constructs.add(switch (s.nulls) {
                    case DEFAULT -> Construct.NULLS_DEFAULT;
                    case FIRST -> Construct.NULLS_FIRST;
                    case LAST -> Construct.NULLS_LAST;
                });
            }
            List<Item> frozenItems = List.copyOf(items);
            List<Field<?>> frozenGroupBy = List.copyOf(groupBy);
            List<SortField<?>> sortFields = sorts.stream().<SortField<?>>map(Sort::field).toList();
            boolean isDistinct = distinct, isPercent = percent, isWithTies = withTies;
            Condition w = where, h = having;
            Integer l = limit, o = offset;
            GeneratedQuery.SelectBuilder builder = withLimit -> build(isDistinct, frozenItems, w, frozenGroupBy, h,
                    sortFields, withLimit ? l : null, withLimit ? o : null, isPercent, isWithTies);
            return new GeneratedQuery(number, builder, shape.withExactColumns(exact), Optional.ofNullable(refusable), constructs);
        }
    }

    private static Select<Record> build(boolean distinct, List<Item> items, Condition where, List<Field<?>> groupBy,
                                        Condition having, List<SortField<?>> sorts, Integer limit, Integer offset,
                                        boolean percent, boolean withTies) {
        List<SelectFieldOrAsterisk> selected = items.stream().map(Item::selected).toList();
        SelectJoinStep<Record> from = (distinct ? DSL.selectDistinct(selected) : DSL.select(selected)).from(ORDERS);
        SelectGroupByStep<Record> filtered = where == null ? from : from.where(where);
        // groupBy() with no fields would render GROUP BY (): only call it with fields.
        SelectHavingStep<Record> grouped = groupBy.isEmpty() ? filtered : filtered.groupBy(groupBy);
        SelectOrderByStep<Record> having_ = having == null ? grouped : grouped.having(having);
        SelectLimitStep<Record> ordered = sorts.isEmpty() ? having_ : having_.orderBy(sorts);
        if (limit == null) return offset == null ? ordered : ordered.offset(offset);
        SelectLimitPercentStep<Record> limited = ordered.limit(limit);
        if (percent) return limited.percent();
        if (withTies) return limited.withTies();
        return offset == null ? limited : limited.offset(offset);
    }
}
