package io.shardkit.query.planner;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jooq.Field;
import org.jooq.FieldOrRow;
import org.jooq.GroupField;
import org.jooq.Param;
import org.jooq.QueryPart;
import org.jooq.Select;
import org.jooq.SelectFieldOrAsterisk;
import org.jooq.SortField;
import org.jooq.SortOrder;
import org.jooq.Table;
import org.jooq.impl.QOM;

/**
 * Reads a {@link Select} clause by clause and accepts it only when every part is allowlisted for its position
 * ({@link ExpressionChecker}); the result says how the shards' answers merge ({@link QueryShape}). Everything else
 * is refused by name before any shard runs.
 */
public final class SelectReader {
    private final Select<?> q;
    private final boolean colocated;
    private final ReferenceScope refs;

    private SelectReader(Select<?> q, boolean colocated, ReferenceScope refs) {
        this.q = q;
        this.colocated = colocated;
        this.refs = refs;
    }

    public static QueryShape read(Select<?> q, boolean assumeColocated) {
        return read(q, assumeColocated, Set.of());
    }

    /**
     * Reads {@code q} knowing the cluster's reference tables (every shard holds all their rows): a join of one sharded
     * table with reference tables needs no {@code assumeColocated()}. A query that reads only reference tables must
     * run on one shard ({@link #readsOnlyReferenceTables}); it is then read as colocated, since one database answers it.
     */
    public static QueryShape read(Select<?> q, boolean assumeColocated, Set<String> referenceTables) {
        Objects.requireNonNull(q, "query");
        ReferenceScope refs = ReferenceScope.of(q, referenceTables);
        return new SelectReader(q, assumeColocated || refs.onlyReference(), refs).read();
    }

    /**
     * Whether every table {@code q} reads (in subqueries too) is a reference table: one shard holds all its rows, and
     * every other shard the same rows again, so it must run on one shard only.
     */
    public static boolean readsOnlyReferenceTables(Select<?> q, Set<String> referenceTables) {
        return ReferenceScope.of(Objects.requireNonNull(q, "query"), referenceTables).onlyReference();
    }

    private QueryShape read() {
        SetOperations sets = SetOperations.of(q);
        QueryShape shape = sets.operators().isEmpty() ? readSelect() : readSetOperation(sets);
        List<? extends SortField<?>> order = sets.operators().isEmpty() ? q.$orderBy() : sets.orderBy();
        shape.positionalNullOrdering = order.stream().anyMatch(s -> s.$field() instanceof Param<?> p && p.isInline()
                && s.$nullOrdering() != null);
        return shape;
    }

    private QueryShape readSelect() {
        refuseClauses(q, true);
        checkFrom(q);
        if (q.$where() != null) ExpressionChecker.rowLocal(q.$where(), colocated);
        List<Field<?>> outputs = outputs(q);
        Long limit = number(q.$limit(), "LIMIT");
        Long offset = number(q.$offset(), "OFFSET");
        long skip = offset == null ? 0 : offset;
        if (aggregated()) return readGrouped(outputs, limit, skip);
        if (q.$distinct()) return readDistinct(outputs, limit, skip);
        outputs.forEach(f -> ExpressionChecker.rowLocal(unalias(f), colocated));
        List<Field<?>> hidden = new ArrayList<>();
        List<QueryShape.SortKey> order = new ArrayList<>();
        for (SortField<?> s : q.$orderBy()) {
            int column = resolve(s.$field(), outputs);
            if (column < 0) {
                Field<?> f = unalias(s.$field());
                ExpressionChecker.rowLocal(f, colocated);
                int known = indexOfSame(hidden, f);
                column = outputs.size() + (known >= 0 ? known : hidden.size());
                if (known < 0) hidden.add(f);
            }
            Field<?> keyField = column < outputs.size() ? outputs.get(column) : hidden.get(column - outputs.size());
            order.add(sortKey(s, column, keyField));
        }
        return new QueryShape(QueryShape.Kind.PLAIN, q, outputs, hidden, order, limit, skip, List.of(), List.of(), false,
                false, List.of());
    }

    // ---- aggregated and DISTINCT: the database merges ---------------------------------------------------------------

    private boolean aggregated() {
        if (!q.$groupBy().isEmpty() || q.$having() != null) return true;
        for (SelectFieldOrAsterisk s : q.$select()) {
            // an alias renders as its name outside a select list: walk what it names
            if (hasAggregate(PartTree.of(s instanceof Field<?> f ? unalias(f) : s))) return true;
        }
        return false;
    }

    /** An aggregate of this query: not a window, and not one inside a subquery (that aggregates the subquery). */
    private static boolean hasAggregate(PartTree node) {
        if (node.part instanceof QOM.AggregateFunction<?, ?> && !Allowlist.window(node.part)) return true;
        if (node.part instanceof Select<?>) return false;
        for (PartTree c : node.children) if (hasAggregate(c)) return true;
        return false;
    }

    private QueryShape readGrouped(List<Field<?>> outputs, Long limit, long offset) {
        List<Field<?>> keys = new ArrayList<>();
        List<String> groupingSets = new ArrayList<>();
        for (GroupField g : q.$groupBy()) {
            groupKeys(g, keys);
            String construct = g instanceof QOM.Rollup ? "ROLLUP" : g instanceof QOM.Cube ? "CUBE"
                    : g instanceof QOM.GroupingSets ? "GROUPING SETS" : null;
            if (construct != null && !groupingSets.contains(construct)) groupingSets.add(construct);
        }
        keys.forEach(k -> ExpressionChecker.rowLocal(k, colocated));
        List<Field<?>> aggregates = new ArrayList<>();
        outputs.forEach(f -> ExpressionChecker.grouped(unalias(f), colocated, keys, aggregates));
        if (q.$having() != null) ExpressionChecker.grouped(q.$having(), colocated, keys, aggregates);
        checkGroupedOrder(outputs, keys, aggregates);
        return new QueryShape(QueryShape.Kind.DATABASE_MERGE, q, outputs, List.of(), List.of(), limit, offset, keys,
                aggregates, true, false, List.of()).withGroupingSets(groupingSets);
    }

    private QueryShape readDistinct(List<Field<?>> outputs, Long limit, long offset) {
        List<Field<?>> keys = new ArrayList<>();
        for (Field<?> f : outputs) {
            Field<?> inner = unalias(f);
            ExpressionChecker.rowLocal(inner, colocated);
            if (indexOfSame(keys, inner) < 0) keys.add(inner);
        }
        checkGroupedOrder(outputs, keys, new ArrayList<>());
        return new QueryShape(QueryShape.Kind.DATABASE_MERGE, q, outputs, List.of(), List.of(), limit, offset, keys,
                List.of(), false, false, List.of());
    }

    /** ORDER BY after grouping: a position, an output alias, or an expression over keys and aggregates. */
    private void checkGroupedOrder(List<Field<?>> outputs, List<Field<?>> keys, List<Field<?>> aggregates) {
        for (SortField<?> s : q.$orderBy()) {
            if (resolve(s.$field(), outputs) >= 0) continue;
            ExpressionChecker.grouped(unalias(s.$field()), colocated, keys, aggregates);
        }
    }

    private void groupKeys(GroupField g, List<Field<?>> into) {
        switch (g) {
            case QOM.Rollup r -> r.$arg1().forEach(f -> groupKey(f, into));
            case QOM.Cube c -> c.$arg1().forEach(f -> groupKey(f, into));
            case QOM.GroupingSets s -> s.$arg1().forEach(set -> set.forEach(f -> groupKey(f, into)));
            case QOM.EmptyGroupingSet e -> { }
            case Field<?> f -> groupKey(f, into);
            default -> throw Refusals.notAllowed("GROUP BY " + g);
        }
    }

    private static void groupKey(FieldOrRow f, List<Field<?>> into) {
        if (!(f instanceof Field<?> field)) throw Refusals.notAllowed("GROUP BY a row value " + f);
        if (field instanceof Param<?> p && p.getValue() instanceof Number) {
            // MySQL and PostgreSQL read GROUP BY 2 as a position; each shard's select list is not the query's
            throw Refusals.refused("GROUP BY a position (" + p + ")", "group by the column or expression itself");
        }
        if (indexOfSame(into, field) < 0) into.add(field);
    }

    // ---- set operations ---------------------------------------------------------------------------------------------

    private QueryShape readSetOperation(SetOperations sets) {
        boolean allUnionAll = sets.operators().stream().allMatch("union all"::equals);
        boolean allUnion = sets.operators().stream().allMatch("union"::equals);
        if (!colocated && !allUnionAll && !allUnion) {
            String op = sets.operators().stream().filter(o -> !o.startsWith("union")).findFirst().orElse("UNION mixed with UNION ALL");
            throw Refusals.refused(op.toUpperCase(java.util.Locale.ROOT), "each shard would compare only its own rows; if equal"
                    + " rows always live on the same shard, say so with assumeColocated()");
        }
        if (sets.branchHasOwnLimitOrOrder()) {
            throw Refusals.refused("ORDER BY or LIMIT inside a set operation's branch", "order and limit the whole set operation");
        }
        boolean distinctMerge = allUnion && !colocated;
        for (Select<?> branch : sets.branches()) {
            refuseClauses(branch, false);
            checkFrom(branch);
            if (branch.$where() != null) ExpressionChecker.rowLocal(branch.$where(), colocated);
            if (!branch.$groupBy().isEmpty() || branch.$having() != null || new SelectReader(branch, colocated, refs).aggregated()) {
                if (!colocated) {
                    throw Refusals.refused("an aggregate inside a set operation", "each shard would aggregate only its own rows;"
                            + " fan out each branch on its own and combine the results");
                }
            } else {
                outputs(branch).forEach(f -> ExpressionChecker.rowLocal(unalias(f), colocated));
            }
            if (branch.$distinct() && !distinctMerge && !colocated) {
                throw Refusals.refused("SELECT DISTINCT inside UNION ALL", "each shard would remove only its own duplicates;"
                        + " use UNION, or DISTINCT over the whole query as a derived table under assumeColocated()");
            }
        }
        List<Field<?>> outputs = outputs(q);
        List<QueryShape.SortKey> order = new ArrayList<>();
        for (SortField<?> s : sets.orderBy()) {
            int column = resolve(s.$field(), outputs);
            if (column < 0) {
                throw Refusals.refused("ORDER BY " + s.$field() + " on a set operation", "order a set operation by a selected"
                        + " column's name or position");
            }
            order.add(sortKey(s, column, outputs.get(column)));
        }
        Long limit = number(q.$limit(), "LIMIT");
        Long offset = number(q.$offset(), "OFFSET");
        long skip = offset == null ? 0 : offset;
        if (distinctMerge) {
            return new QueryShape(QueryShape.Kind.DATABASE_MERGE, q, outputs, List.of(), List.of(), limit, skip, List.of(),
                    List.of(), false, true, order);
        }
        return new QueryShape(QueryShape.Kind.UNION_ALL, q, outputs, List.of(), order, limit, skip, List.of(), List.of(),
                false, false, List.of());
    }

    // ---- clauses ----------------------------------------------------------------------------------------------------

    private void refuseClauses(Select<?> s, boolean top) {
        if (s.$limitPercent()) throw Refusals.refused("LIMIT … PERCENT", "the percentage is of all rows, which no shard knows; use a row count");
        if (s.$limitWithTies()) throw Refusals.refused("FETCH … WITH TIES", "use ORDER BY with a unique tie-breaker and a plain LIMIT");
        if (!s.$distinctOn().isEmpty()) throw Refusals.refused("DISTINCT ON", "use GROUP BY with MIN/MAX");
        if (s.$qualify() != null) throw Refusals.refused("QUALIFY (window function)", "window functions need all rows of a partition in one place");
        if (!s.$window().isEmpty()) throw Refusals.refused("WINDOW (window function)", "window functions need all rows of a partition in one place");
        if (s.$intoTable() != null) throw Refusals.refused("SELECT INTO", "fan out the SELECT and insert the rows yourself");
        if (s.$groupByDistinct()) throw Refusals.refused("GROUP BY DISTINCT", "group by plain columns");
        if (s.$with() != null) {
            if (!colocated) {
                throw Refusals.refused("WITH (a common table expression)", Refusals.SUBQUERY_REMEDY + "; or inline it");
            }
            for (var cte : s.$with().$commonTableExpressions()) {
                if (!(cte.$query() instanceof Select<?> body)) throw Refusals.notAllowed("WITH " + cte.$name() + " AS (a data-changing statement)");
                NestedSelects.check(body);
            }
        }
        if (s.$from().isEmpty()) {
            // One database answers one row; n shards would answer n, and aggregates would be n times too large.
            throw Refusals.refused("a SELECT without FROM", "it reads no sharded table: run it on one shard with cluster.dsl(shard)");
        }
    }

    private void checkFrom(Select<?> s) {
        List<? extends Table<?>> from = s.$from();
        int sharded = 0;
        for (Table<?> t : from) sharded += shardedLeaves(t);
        if (refs.any() && sharded == 0 && !refs.onlyReference()) {
            // the query reads sharded tables elsewhere, so it runs on every shard: each would return these rows again
            throw Refusals.refused("a FROM of reference tables only (" + s.$from() + ") in a query that also reads sharded"
                    + " tables", "every shard would return the reference rows again; query the reference tables on their own"
                    + " (one shard answers), or join them to the sharded table in this FROM");
        }
        if (from.size() > 1 && !colocated && sharded > 1) {
            throw Refusals.refused("a join (several tables in FROM)", "each shard would join only its own rows; if related rows"
                    + " always live on the same shard, say so with assumeColocated()");
        }
        for (Table<?> t : from) checkTable(t);
    }

    /** How many tables of a FROM item are not reference tables (a derived table counts as one). */
    private int shardedLeaves(Table<?> t) {
        if (t instanceof QOM.JoinTable<?, ?> j) return shardedLeaves(j.$table1()) + shardedLeaves(j.$table2());
        return refs.isReference(t) ? 0 : 1;
    }

    /**
     * Whether a join is answered exactly per shard without colocation: only reference tables beside at most one sharded
     * table, and the sharded side is the one an outer join preserves (a reference side preserved would repeat its
     * unmatched rows on every shard).
     */
    private boolean joinsReferenceTables(QOM.JoinTable<?, ?> j) {
        int left = shardedLeaves(j.$table1());
        int right = shardedLeaves(j.$table2());
        if (left + right == 0) return true;
        if (left + right > 1) return false;
        return switch (j) {
            case QOM.Join<?> x -> true;
            case QOM.CrossJoin<?> x -> true;
            case QOM.NaturalJoin<?> x -> true;
            case QOM.StraightJoin<?> x -> true;
            case QOM.LeftJoin<?> x -> right == 0;
            case QOM.NaturalLeftJoin<?> x -> right == 0;
            case QOM.LeftSemiJoin<?> x -> right == 0;
            case QOM.LeftAntiJoin<?> x -> right == 0;
            case QOM.RightJoin<?> x -> left == 0;
            case QOM.NaturalRightJoin<?> x -> left == 0;
            default -> false; // FULL joins and anything else
        };
    }

    private void checkTable(Table<?> t) {
        switch (t) {
            case QOM.TableAlias<?> a -> checkTable(a.$table());
            case QOM.DerivedTable<?> d -> {
                if (!colocated) {
                    throw Refusals.refused("a derived table (subquery in FROM)", "each shard would compute it from its own rows"
                            + " only; if the rows it groups always live on one shard, say so with assumeColocated()");
                }
                NestedSelects.check(d.$arg1());
            }
            case QOM.JoinTable<?, ?> j -> {
                if (!colocated && !joinsReferenceTables(j)) {
                    boolean reference = shardedLeaves(j.$table1()) + shardedLeaves(j.$table2()) <= 1 && refs.any();
                    throw reference
                            ? Refusals.refused("this outer join of a reference table (" + j + ")", "a reference table on the"
                                    + " side the join preserves would repeat its unmatched rows on every shard; preserve the"
                                    + " sharded table's side (sharded LEFT JOIN reference)")
                            : Refusals.refused("a join", "each shard would join only its own rows; if related rows always live"
                                    + " on the same shard, say so with assumeColocated()");
                }
                checkTable(j.$table1());
                checkTable(j.$table2());
                if (j instanceof QOM.QualifiedJoin<?, ?> qj && qj.$on() != null) ExpressionChecker.rowLocal(qj.$on(), colocated);
            }
            default -> {
                boolean plain = t instanceof org.jooq.TableLike<?> && !(t instanceof QOM.Values<?>)
                        && (!Allowlist.isPlainSql(t) || Allowlist.column(org.jooq.impl.DSL.field(t.toString())))
                        && !(t instanceof QOM.DerivedTable<?>) && isTableClass(t);
                if (!plain) throw Refusals.notAllowed("FROM " + t.toString().replaceAll("\\s+", " "));
            }
        }
    }

    /** A table of the schema: jOOQ's table implementation (generated tables extend it) or plain SQL naming one. */
    private static boolean isTableClass(Table<?> t) {
        if (Allowlist.isPlainSql(t)) return true;
        for (Class<?> c = t.getClass(); c != null; c = c.getSuperclass()) {
            if (c.getName().equals("org.jooq.impl.TableImpl")) return true;
        }
        return false;
    }

    // ---- helpers ----------------------------------------------------------------------------------------------------

    private static List<Field<?>> outputs(Select<?> s) {
        List<Field<?>> outputs = new ArrayList<>();
        for (SelectFieldOrAsterisk f : s.$select()) {
            if (!(f instanceof Field<?> field) || (Allowlist.isPlainSql(f) && f.toString().trim().matches("(.*\\.)?\\*"))) {
                throw Refusals.refused("SELECT *", "list the columns: the merge needs to know each column's type");
            }
            outputs.add(field);
        }
        if (outputs.isEmpty()) throw Refusals.refused("SELECT *", "list the columns: the merge needs to know each column's type");
        return outputs;
    }

    /**
     * The output column an ORDER BY key names: a position ({@code inline(2)}), an output's alias, or an expression equal
     * to an output; -1 for anything else.
     */
    static int resolve(Field<?> key, List<Field<?>> outputs) {
        if (key instanceof Param<?> p && p.isInline() && p.getValue() instanceof Number n) {
            long position = n.longValue();
            if (position < 1 || position > outputs.size() || n.doubleValue() != position) {
                throw Refusals.refused("ORDER BY " + p, "a position must be between 1 and the number of selected columns ("
                        + outputs.size() + ")");
            }
            return (int) position - 1;
        }
        if (key instanceof Param<?> p) {
            throw Refusals.refused("ORDER BY a bind value (" + p + ")", "order by a column, an alias or inline(position)");
        }
        if (Allowlist.column(key) && key.getQualifiedName().qualified() == false) {
            for (int i = 0; i < outputs.size(); i++) {
                if (outputs.get(i) instanceof QOM.FieldAlias<?> a && a.$alias().last().equals(key.getName())) return i;
            }
        }
        Field<?> inner = unalias(key);
        for (int i = 0; i < outputs.size(); i++) {
            if (Parts.same(unalias(outputs.get(i)), inner)) return i;
        }
        return -1;
    }

    private static QueryShape.SortKey sortKey(SortField<?> s, int column, Field<?> field) {
        Boolean nullsFirst = s.$nullOrdering() == QOM.NullOrdering.NULLS_FIRST ? Boolean.TRUE
                : s.$nullOrdering() == QOM.NullOrdering.NULLS_LAST ? Boolean.FALSE : null;
        Field<?> key = unalias(field);
        boolean positional = s.$field() instanceof Param<?> p && p.isInline();
        return new QueryShape.SortKey(column, key, s.$sortOrder() == SortOrder.DESC, nullsFirst, key instanceof QOM.Collated,
                positional);
    }

    private static int indexOfSame(List<Field<?>> fields, Field<?> f) {
        for (int i = 0; i < fields.size(); i++) if (Parts.same(fields.get(i), f)) return i;
        return -1;
    }

    static Field<?> unalias(Field<?> f) {
        return f instanceof QOM.FieldAlias<?> a ? a.$field() : f;
    }

    private static Long number(Field<? extends Number> f, String clause) {
        if (f == null) return null;
        if (f instanceof Param<?> p && p.getValue() instanceof Number n) {
            long v = n.longValue();
            if (v < 0) throw Refusals.refused(clause + " " + v, clause + " must not be negative");
            return v;
        }
        throw Refusals.refused(clause + " " + f, "give " + clause + " as a number, not an expression");
    }
}
