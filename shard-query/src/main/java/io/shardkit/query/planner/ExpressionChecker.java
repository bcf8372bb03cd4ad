package io.shardkit.query.planner;

import java.util.List;
import org.jooq.Field;
import org.jooq.QueryPart;
import org.jooq.Select;
import org.jooq.impl.QOM;

/**
 * Walks one expression or condition and accepts it only when every part is allowlisted for its position:
 * <ul>
 *   <li>row-local (WHERE, GROUP BY, a plain select list, an aggregate's argument): columns, values and
 *       {@link Allowlist row-local} operators;</li>
 *   <li>after grouping (an aggregated query's select list, HAVING, ORDER BY): group keys, merged aggregates (collected
 *       for the per-shard query), values, and row-local operators over them; a bare column is refused.</li>
 * </ul>
 * A subquery is accepted only under {@code assumeColocated()}, and then only if its own parts are allowlisted.
 */
final class ExpressionChecker {
    private final boolean colocated;
    private final List<Field<?>> groupKeys;      // null: row-local position
    private final List<Field<?>> aggregates;     // collected, each once

    private ExpressionChecker(boolean colocated, List<Field<?>> groupKeys, List<Field<?>> aggregates) {
        this.colocated = colocated;
        this.groupKeys = groupKeys;
        this.aggregates = aggregates;
    }

    /** Checks a row-local expression or condition. */
    static void rowLocal(QueryPart part, boolean colocated) {
        new ExpressionChecker(colocated, null, null).check(PartTree.of(part), null);
    }

    /** Checks a part evaluated after grouping; adds the aggregates it uses to {@code aggregates}. */
    static void grouped(QueryPart part, boolean colocated, List<Field<?>> groupKeys, List<Field<?>> aggregates) {
        new ExpressionChecker(colocated, groupKeys, aggregates).check(PartTree.of(part), null);
    }

    private void check(PartTree node, PartTree parent) {
        QueryPart p = node.part;
        if (groupKeys != null && isGroupKey(p)) return;
        if (Allowlist.window(p)) {
            throw Refusals.refused("window function " + node.text(), "window functions need all rows of a partition in one place");
        }
        if (p instanceof QOM.AggregateFunction<?, ?>) {
            if (groupKeys == null) {
                throw Refusals.refused("nested aggregate " + node.text(), "an aggregate cannot stand here (in WHERE, GROUP BY or"
                        + " inside another aggregate); compute it in a separate query");
            }
            aggregate((Field<?>) p, node);
            return;
        }
        if (p instanceof Select<?> s) {
            if (groupKeys != null) {
                // the database that merges would run it over its own shard's rows only
                throw Refusals.refused("a subquery after grouping (" + node.text() + ")", "a subquery in the SELECT, HAVING"
                        + " or ORDER BY of an aggregated query would see one shard's rows; compute it in a query of its own");
            }
            if (!colocated) throw Refusals.subquery(" (" + node.text() + ")");
            NestedSelects.check(s);
            return;
        }
        if (Allowlist.column(p)) {
            if (groupKeys != null) {
                throw Refusals.refused("column " + node.text() + " outside GROUP BY", "select, order and filter by grouped"
                        + " columns and aggregates only");
            }
            return;
        }
        if (Allowlist.value(p)) return;
        if (groupKeys != null && isGrouping(p)) {
            node.children.forEach(c -> groupingArgument(c));
            return;
        }
        if (Allowlist.structural(p)) {
            node.children.forEach(c -> check(c, node));
            return;
        }
        if (parent != null && Allowlist.rowLocal(parent.part)
                && (node.text().equals(parent.text()) || Allowlist.renderingHelper(p))) {
            node.children.forEach(c -> check(c, parent)); // jOOQ renders the operator through this part: not the user's
            return;
        }
        if (Allowlist.rowLocal(p)) {
            node.children.forEach(c -> check(c, node));
            return;
        }
        if (Allowlist.isPlainSql(p)) {
            throw Refusals.refused("plain SQL (" + node.text() + ")", "Shardkit cannot see what plain SQL does; write it with"
                    + " jOOQ's DSL, or name only a column with field(\"name\")");
        }
        throw Refusals.notAllowed(Allowlist.name(p));
    }

    private boolean isGroupKey(QueryPart p) {
        for (Field<?> k : groupKeys) if (Parts.same(k, p)) return true;
        return false;
    }

    /** {@code GROUPING(k)} over ROLLUP/CUBE/GROUPING SETS keys: evaluated by the database that merges. */
    private static boolean isGrouping(QueryPart p) {
        return p instanceof QOM.Function<?> f && f.getName().equalsIgnoreCase("grouping");
    }

    private void groupingArgument(PartTree node) {
        if (Allowlist.structural(node.part)) {
            node.children.forEach(this::groupingArgument);
        } else if (!isGroupKey(node.part)) {
            throw Refusals.refused("GROUPING(" + node.text() + ")", "GROUPING takes a GROUP BY key");
        }
    }

    private void aggregate(Field<?> f, PartTree node) {
        if (!Allowlist.mergedAggregate(f)) {
            throw Refusals.refused(Allowlist.name(f), "only COUNT, SUM, AVG, MIN and MAX (with DISTINCT or FILTER) are merged"
                    + " across shards; run it per shard with forEachShard, or select the values and aggregate them yourself");
        }
        Aggregates.Call call = Aggregates.call(f);
        Field<?> arg = call.argument();
        if (arg != null) {
            checkRowLocalArgument(arg);
            if ((call.kind() == Aggregates.Kind.SUM || call.kind() == Aggregates.Kind.AVG) && isFloating(arg)) {
                throw Refusals.refused("floating-point " + call.kind() + " (" + node.text() + ")", "its result depends on the"
                        + " order values are added in; cast to NUMERIC/DECIMAL for an exact, shard-independent answer");
            }
        }
        if (call.filter() != null) {
            if (call.distinct()) {
                throw Refusals.refused(call.kind() + "(DISTINCT …) FILTER (WHERE …)", "move the filter into WHERE, or use a"
                        + " CASE expression as the argument");
            }
            checkRowLocalArgument(call.filter());
        }
        if (aggregates.stream().noneMatch(a -> Parts.same(a, f))) aggregates.add(f);
    }

    private void checkRowLocalArgument(QueryPart arg) {
        new ExpressionChecker(colocated, null, null).check(PartTree.of(arg), null);
    }

    private static boolean isFloating(Field<?> f) {
        Class<?> t = f.getType();
        return t == Double.class || t == Float.class;
    }
}
