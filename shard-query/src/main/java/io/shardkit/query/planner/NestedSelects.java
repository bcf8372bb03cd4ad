package io.shardkit.query.planner;

import org.jooq.QueryPart;
import org.jooq.Select;
import org.jooq.impl.QOM;

/**
 * A subquery, derived table or common table expression accepted under {@code assumeColocated()}: the caller declares
 * that the rows it relates live on the outer row's shard, so it runs per shard as written. Its parts must still be
 * deterministic and known: window functions, plain SQL and functions off the allowlist are refused.
 */
final class NestedSelects {
    private NestedSelects() {
    }

    static void check(Select<?> s) {
        walk(PartTree.of(s), null);
    }

    private static void walk(PartTree node, PartTree parent) {
        QueryPart p = node.part;
        if (Allowlist.window(p)) {
            throw Refusals.refused("window function " + node.text(), "window functions need all rows of a partition in one place");
        }
        boolean accepted = Allowlist.structural(p) || Allowlist.column(p) || Allowlist.value(p) || Allowlist.rowLocal(p)
                || Allowlist.mergedAggregate(p) || p instanceof Select<?> || p instanceof QOM.TableAlias<?>
                || p instanceof QOM.JoinTable<?, ?> || p instanceof QOM.DerivedTable<?> || p instanceof QOM.FieldAlias<?>
                || (parent != null && node.text().equals(parent.text()))
                || !isModelFunction(p);
        if (!accepted) {
            if (Allowlist.isPlainSql(p)) {
                throw Refusals.refused("plain SQL (" + node.text() + ")", "write it with jOOQ's DSL");
            }
            throw Refusals.notAllowed(Allowlist.name(p));
        }
        node.children.forEach(c -> walk(c, node));
    }

    /** A function, aggregate or plain SQL of the model: clause machinery (lists, tables, limits) is not. */
    private static boolean isModelFunction(QueryPart p) {
        return p instanceof QOM.Function<?> || Allowlist.isPlainSql(p) || p instanceof QOM.AggregateFunction<?, ?>
                || Allowlist.publicModelType(p) != null;
    }
}
