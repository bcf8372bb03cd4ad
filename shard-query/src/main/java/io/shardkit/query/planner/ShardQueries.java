package io.shardkit.query.planner;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiPredicate;
import org.jooq.Condition;
import org.jooq.Field;
import org.jooq.Select;
import org.jooq.SelectFieldOrAsterisk;
import org.jooq.impl.DSL;

/** The query each shard runs for a {@link QueryShape}, and the query of a keyset page. */
public final class ShardQueries {
    private ShardQueries() {
    }

    /** The query each shard runs: a new object on every call. */
    public static Select<?> perShard(QueryShape shape) {
        return perShard(shape.kind(), shape);
    }

    private static Select<?> perShard(QueryShape.Kind kind, QueryShape shape) {
        Select<?> q = shape.original();
        Select<?> s = switch (kind) {
            case PLAIN -> {
                List<SelectFieldOrAsterisk> fields = new ArrayList<>(shape.outputs());
                for (int i = 0; i < shape.hidden().size(); i++) fields.add(shape.hidden().get(i).as("shardkit_sort_" + i));
                yield topRows(q.$select(fields), shape);
            }
            case UNION_ALL -> topRows(q, shape);
            case DATABASE_MERGE -> {
                if (shape.streamedAs != null) yield perShard(shape.streamedAs, shape);
                if (shape.countsOnly()) yield q.$select(shape.outputs());
                if (shape.union) yield withoutLimit(withoutOffset(q));
                MergeLayout layout = new MergeLayout(shape);
                yield withoutLimit(withoutOffset(q.$select(layout.shardFields()).$groupBy(layout.shardGroupBy())
                        .$having(null).$orderBy(List.of()).$distinct(false)));
            }
        };
        // Each shard's query runs attached to its own connection, so each call returns a new object. jOOQ's setters
        // return the same inner query when nothing changes; setting OFFSET 0 (a no-op: offsets were cleared) copies.
        return s.$offset(DSL.inline(0));
    }

    /** The first offset + limit rows: the merge skips the offset once, over all shards. */
    private static Select<?> topRows(Select<?> q, QueryShape shape) {
        Select<?> s = withoutOffset(q);
        return shape.limit() == null ? s : s.$limit(DSL.inline(shape.limit() + shape.offset()));
    }

    /**
     * The query of the keyset page after the row whose sort keys are {@code after}: the original WHERE and a seek
     * condition that keeps exactly the rows the ORDER BY puts after it (NULLs where the database puts them).
     * {@code nullsFirst} says, for (descending, explicit NULLS FIRST/LAST or null), whether NULLs come first.
     */
    public static Select<?> page(QueryShape shape, Object[] after, int pageSize, BiPredicate<Boolean, Boolean> nullsFirst) {
        Condition seek = DSL.falseCondition();
        Condition equalSoFar = DSL.trueCondition();
        for (int i = 0; i < shape.orderBy().size(); i++) {
            QueryShape.SortKey k = shape.orderBy().get(i);
            @SuppressWarnings("unchecked")
            Field<Object> f = (Field<Object>) k.field();
            Object v = after == null ? null : after[i];
            boolean first = nullsFirst.test(k.descending(), k.nullsFirst());
            Condition strictlyAfter = v == null
                    ? (first ? f.isNotNull() : DSL.falseCondition())
                    : (k.descending() ? f.lt(v) : f.gt(v)).or(first ? DSL.falseCondition() : f.isNull());
            seek = seek.or(equalSoFar.and(strictlyAfter));
            equalSoFar = equalSoFar.and(v == null ? f.isNull() : f.eq(v));
        }
        if (after != null) seek = leadingKeyBound(shape, after[0], nullsFirst).and(seek);
        Condition where = shape.original().$where();
        Select<?> q = shape.original().$where(after == null ? where : where == null ? seek : where.and(seek));
        return withoutOffset(q).$limit(DSL.inline(pageSize));
    }

    /**
     * A condition the seek implies, written as a plain range on the first sort key so that an index on it starts the
     * scan at the cursor: without it the seek is an OR that the database evaluates row by row from the first page on.
     */
    private static Condition leadingKeyBound(QueryShape shape, Object v, BiPredicate<Boolean, Boolean> nullsFirst) {
        QueryShape.SortKey first = shape.orderBy().getFirst();
        @SuppressWarnings("unchecked")
        Field<Object> f = (Field<Object>) first.field();
        if (v == null) return DSL.trueCondition(); // after a NULL come NULLs or, with NULLs first, every value
        Condition range = first.descending() ? f.le(v) : f.ge(v);
        boolean nullsAfter = !nullsFirst.test(first.descending(), first.nullsFirst());
        return nullsAfter && f.getDataType().nullable() ? range.or(f.isNull()) : range;
    }

    /** Identifies the ORDER BY, so a cursor is only used with the query that made it. */
    public static String orderFingerprint(QueryShape shape) {
        return Integer.toHexString(shape.orderBy().toString().hashCode());
    }

    /** jOOQ 3.21 keeps an OFFSET given without LIMIT when it is set to null; OFFSET 0 means the same and does clear it. */
    static Select<?> withoutOffset(Select<?> s) {
        Select<?> cleared = s.$offset(null);
        return cleared.$offset() == null ? cleared : cleared.$offset(DSL.inline(0));
    }

    static Select<?> withoutLimit(Select<?> s) {
        Select<?> cleared = s.$limit(null);
        if (cleared.$limit() != null) throw new IllegalStateException("jOOQ kept LIMIT " + cleared.$limit() + " after clearing it");
        return cleared;
    }
}
