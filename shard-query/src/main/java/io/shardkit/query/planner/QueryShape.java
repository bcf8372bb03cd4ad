package io.shardkit.query.planner;

import java.util.List;
import org.jooq.Field;
import org.jooq.Select;

/**
 * What the planner read from a query, and how its shards' answers are merged:
 * <ul>
 *   <li>{@link Kind#PLAIN}: rows of one table (or colocated tables), streamed; ORDER BY is a k-way merge on
 *       {@link #orderBy()} columns, LIMIT/OFFSET cut the merged stream;</li>
 *   <li>{@link Kind#UNION_ALL}: the same over each shard's UNION ALL (or, under {@code assumeColocated()}, any set
 *       operation);</li>
 *   <li>{@link Kind#DATABASE_MERGE}: aggregates, GROUP BY (with ROLLUP, CUBE, GROUPING SETS), HAVING, DISTINCT and
 *       UNION: each shard returns partial rows; one database merges them with the query's own outer part, so grouping,
 *       comparisons, collations, types and scales are that database's own.</li>
 * </ul>
 */
public final class QueryShape {
    public enum Kind { PLAIN, UNION_ALL, DATABASE_MERGE }

    /**
     * One ORDER BY key of a streamed merge: the row's column, direction, NULLS FIRST/LAST (null: the default), whether
     * the key names a collation of its own (COLLATE), and whether the query gave it as a position.
     */
    public record SortKey(int column, Field<?> field, boolean descending, Boolean nullsFirst, boolean collated,
                          boolean positional) {
        /** Whether the key is a column itself, not an expression whose SQL type the database resolves. */
        public boolean bareColumn() {
            return Allowlist.column(field);
        }
    }

    private final Kind kind;
    private final Select<?> original;
    private final List<Field<?>> outputs;
    private final List<Field<?>> hidden;
    private final List<SortKey> orderBy;
    private final Long limit;
    private final long offset;
    final List<Field<?>> keys;          // DATABASE_MERGE: per-shard GROUP BY keys (group keys, or the DISTINCT outputs)
    final List<Field<?>> aggregates;    // DATABASE_MERGE: every aggregate the outer query uses
    final boolean grouped;              // DATABASE_MERGE: aggregated (else DISTINCT or UNION)
    final boolean union;                // DATABASE_MERGE of a UNION
    final List<SortKey> unionOrder;     // DATABASE_MERGE of a UNION or of sorted rows: the ORDER BY by column
    final Kind streamedAs;              // DATABASE_MERGE of rows a streamed merge could not sort: PLAIN or UNION_ALL
    private List<String> groupingSets = List.of(); // "ROLLUP", "CUBE", "GROUPING SETS" the GROUP BY uses
    boolean positionalNullOrdering;     // an ORDER BY position with an explicit NULLS FIRST/LAST

    QueryShape(Kind kind, Select<?> original, List<Field<?>> outputs, List<Field<?>> hidden, List<SortKey> orderBy,
               Long limit, long offset, List<Field<?>> keys, List<Field<?>> aggregates, boolean grouped, boolean union,
               List<SortKey> unionOrder) {
        this(kind, original, outputs, hidden, orderBy, limit, offset, keys, aggregates, grouped, union, unionOrder, null);
    }

    private QueryShape(Kind kind, Select<?> original, List<Field<?>> outputs, List<Field<?>> hidden, List<SortKey> orderBy,
                       Long limit, long offset, List<Field<?>> keys, List<Field<?>> aggregates, boolean grouped,
                       boolean union, List<SortKey> unionOrder, Kind streamedAs) {
        this.kind = kind;
        this.original = original;
        this.outputs = List.copyOf(outputs);
        this.hidden = List.copyOf(hidden);
        this.orderBy = List.copyOf(orderBy);
        this.limit = limit;
        this.offset = offset;
        this.keys = List.copyOf(keys);
        this.aggregates = List.copyOf(aggregates);
        this.grouped = grouped;
        this.union = union;
        this.unionOrder = List.copyOf(unionOrder);
        this.streamedAs = streamedAs;
    }

    /**
     * The same rows, sorted by a database instead of a streamed merge: for an ORDER BY Shardkit cannot reproduce in
     * Java (strings under a collation it does not know, CHAR(n) padding). Each shard still returns only its first
     * OFFSET + LIMIT rows; the database merging them returns the outputs and hidden sort columns, as a streamed merge
     * does.
     */
    public QueryShape sortedByDatabase() {
        if (kind == Kind.DATABASE_MERGE) return this;
        QueryShape copy = new QueryShape(Kind.DATABASE_MERGE, original, outputs, hidden, List.of(), limit, offset, List.of(),
                List.of(), false, false, orderBy, kind);
        copy.positionalNullOrdering = positionalNullOrdering;
        return copy;
    }

    /**
     * Whether the query is only counts — {@code select count(*), count(x) filter (where …) from … where …}, nothing
     * else — so the merge is the sum of each column's per-shard counts, with no database round trip.
     */
    public boolean countsOnly() {
        if (kind != Kind.DATABASE_MERGE || !grouped || !keys.isEmpty() || original.$having() != null
                || !original.$groupBy().isEmpty() || original.$distinct() || !original.$orderBy().isEmpty()
                || limit != null || offset != 0) {
            return false;
        }
        for (Field<?> f : outputs) {
            Field<?> inner = SelectReader.unalias(f);
            if (aggregates.stream().noneMatch(a -> Parts.same(a, inner))) return false;
            Aggregates.Call c = Aggregates.call(inner);
            if (c.kind() != Aggregates.Kind.COUNT || c.distinct()) return false;
        }
        return outputs.size() == aggregates.size();
    }

    /** The grouping-set constructs the GROUP BY uses ("ROLLUP", "CUBE", "GROUPING SETS"): not every database has them. */
    public List<String> groupingSets() {
        return groupingSets;
    }

    QueryShape withGroupingSets(List<String> constructs) {
        this.groupingSets = List.copyOf(constructs);
        return this;
    }

    /**
     * The same shape with NULLS FIRST/LAST dropped from keys given as positions: jOOQ writes it for MySQL and MariaDB
     * as {@code nvl2(2, 1, 0)}, a constant, so those databases sort such a key with their default NULL order.
     */
    public QueryShape withDefaultNullsForPositions() {
        QueryShape copy = new QueryShape(kind, original, outputs, hidden, defaultNulls(orderBy), limit, offset, keys,
                aggregates, grouped, union, defaultNulls(unionOrder), streamedAs);
        copy.groupingSets = groupingSets;
        return copy;
    }

    private static List<SortKey> defaultNulls(List<SortKey> keys) {
        return keys.stream().map(k -> k.positional() ? new SortKey(k.column(), k.field(), k.descending(), null,
                k.collated(), true) : k).toList();
    }

    /** Rows merged by a database without grouping: a UNION, or rows a streamed merge could not sort. */
    boolean mergesRows() {
        return union || streamedAs != null;
    }

    public Kind kind() {
        return kind;
    }

    /** Whether the merge is streamed row by row (PLAIN, UNION_ALL), not done by a database. */
    public boolean streamed() {
        return kind != Kind.DATABASE_MERGE;
    }

    public Select<?> original() {
        return original;
    }

    /** The result's columns, as the query selects them (aliases kept): the final records have these fields. */
    public List<Field<?>> outputs() {
        return outputs;
    }

    /** Streamed merges: sort expressions not selected, which shards add after the outputs. */
    public List<Field<?>> hidden() {
        return hidden;
    }

    /** Streamed merges: the ORDER BY, each key resolved to a column of the shard rows. */
    public List<SortKey> orderBy() {
        return orderBy;
    }

    public Long limit() {
        return limit;
    }

    public long offset() {
        return offset;
    }

    @Override
    public String toString() {
        return "QueryShape[" + kind + ", outputs=" + outputs + ", orderBy=" + orderBy + ", limit=" + limit + ", offset="
                + offset + (kind == Kind.DATABASE_MERGE ? ", keys=" + keys + ", aggregates=" + aggregates : "") + "]";
    }
}
