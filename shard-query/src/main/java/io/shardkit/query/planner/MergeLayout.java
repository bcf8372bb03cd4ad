package io.shardkit.query.planner;

import java.util.ArrayList;
import java.util.List;
import org.jooq.Field;
import org.jooq.impl.DSL;

/**
 * The columns of the partial rows a database merge collects: group keys ({@code shardkit_k<i>}), the values under a
 * DISTINCT aggregate ({@code shardkit_d<i>}, grouped on too, so each shard returns each value once per group), and
 * each other aggregate's parts ({@code shardkit_a<j>}; AVG as its sum {@code _s}, count {@code _n} and, to carry the
 * database's AVG type, its own per-shard value {@code _t}).
 */
final class MergeLayout {
    /** One aggregate of the query and the partial columns it takes (none for a DISTINCT aggregate). */
    record Part(Field<?> aggregate, Aggregates.Call call, int distinctColumn, List<String> columns) {
    }

    final List<Field<?>> keys;
    final List<Field<?>> distinctArguments = new ArrayList<>();
    final List<Part> parts = new ArrayList<>();

    MergeLayout(QueryShape shape) {
        this.keys = shape.keys;
        int a = 0;
        for (Field<?> f : shape.aggregates) {
            Aggregates.Call call = Aggregates.call(f);
            boolean pushDown = call.distinct() && call.kind() != Aggregates.Kind.MIN && call.kind() != Aggregates.Kind.MAX;
            if (pushDown) {
                int d = indexOf(distinctArguments, call.argument());
                if (d < 0) {
                    d = distinctArguments.size();
                    distinctArguments.add(call.argument());
                }
                parts.add(new Part(f, call, d, List.of()));
            } else if (call.kind() == Aggregates.Kind.AVG) {
                String base = "shardkit_a" + a++;
                parts.add(new Part(f, call, -1, List.of(base + "_s", base + "_n", base + "_t")));
            } else {
                parts.add(new Part(f, call, -1, List.of("shardkit_a" + a++)));
            }
        }
    }

    static String key(int i) {
        return "shardkit_k" + i;
    }

    static String distinct(int i) {
        return "shardkit_d" + i;
    }

    /** The per-shard select list: keys, DISTINCT values, then each aggregate's parts. */
    List<Field<?>> shardFields() {
        List<Field<?>> fields = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) fields.add(keys.get(i).as(key(i)));
        for (int i = 0; i < distinctArguments.size(); i++) fields.add(distinctArguments.get(i).as(distinct(i)));
        for (Part p : parts) {
            if (p.columns().isEmpty()) continue;
            Aggregates.Call c = p.call();
            if (c.kind() == Aggregates.Kind.AVG) {
                fields.add(filtered(DSL.sum(numeric(c.argument())), c).as(p.columns().get(0)));
                fields.add(filtered(DSL.count(c.argument()), c).as(p.columns().get(1)));
                fields.add(p.aggregate().as(p.columns().get(2)));
            } else {
                fields.add(p.aggregate().as(p.columns().getFirst()));
            }
        }
        return fields;
    }

    /**
     * The per-shard GROUP BY: the keys and the DISTINCT values, by their select-list names. Repeating the expressions
     * would repeat their bind values too, and PostgreSQL and H2 match an expression with a bind value to no other.
     */
    List<Field<?>> shardGroupBy() {
        List<Field<?>> g = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) g.add(DSL.field(DSL.name(key(i))));
        for (int i = 0; i < distinctArguments.size(); i++) g.add(DSL.field(DSL.name(distinct(i))));
        return g;
    }

    @SuppressWarnings("unchecked")
    private static Field<java.math.BigDecimal> numeric(Field<?> f) {
        return (Field<java.math.BigDecimal>) f;
    }

    private static Field<?> filtered(org.jooq.AggregateFilterStep<?> agg, Aggregates.Call c) {
        return c.filter() == null ? agg : agg.filterWhere(c.filter());
    }

    private static int indexOf(List<Field<?>> fields, Field<?> f) {
        for (int i = 0; i < fields.size(); i++) if (Parts.same(fields.get(i), f)) return i;
        return -1;
    }
}
