package io.shardkit.query.planner;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jooq.Keyword;
import org.jooq.Select;
import org.jooq.SortField;

/**
 * The UNION / EXCEPT / INTERSECT of a query. jOOQ's open-source model has no accessor for them ({@code $orderBy()} of a
 * union is its first branch's), so they are read from what rendering visits: the operator keywords directly inside
 * the query, the branches after them, and the ORDER BY that follows the last branch.
 */
final class SetOperations {
    private static final Set<String> OPERATORS = Set.of("union", "union all", "union distinct", "except", "except all",
            "except distinct", "intersect", "intersect all", "intersect distinct", "minus");

    private final List<String> operators = new ArrayList<>();
    private final List<Select<?>> branches = new ArrayList<>();
    private final List<SortField<?>> orderBy = new ArrayList<>();
    private boolean branchLimitOrOrder;

    static SetOperations of(Select<?> q) {
        SetOperations sets = new SetOperations();
        PartTree root = PartTree.of(q);
        PartTree query = root.part.getClass().getSimpleName().equals("SelectQueryImpl") || root.children.isEmpty()
                ? root : root.children.getFirst();
        sets.branches.add(q);
        boolean afterBranches = false;
        for (PartTree child : query.children) {
            if (child.part instanceof Keyword k && OPERATORS.contains(k.toString().trim().toLowerCase(Locale.ROOT))) {
                String op = k.toString().trim().toLowerCase(Locale.ROOT).replace(" distinct", "");
                sets.operators.add(op.equals("minus") ? "except" : op);
                afterBranches = true;
                continue;
            }
            if (sets.operators.isEmpty()) {
                // the first branch's own ORDER BY / LIMIT would render before the first operator
                if (child.part.getClass().getSimpleName().equals("Limit") || child.part instanceof SortField<?>) {
                    sets.branchLimitOrOrder = true;
                }
                continue;
            }
            if (child.part instanceof Select<?> s && afterBranches) {
                sets.branches.add(s);
                if (!s.$orderBy().isEmpty() || s.$limit() != null || s.$offset() != null) sets.branchLimitOrOrder = true;
                continue;
            }
            collectSortFields(child, sets.orderBy);
        }
        if (!sets.operators.isEmpty() && !q.$orderBy().isEmpty()) sets.branchLimitOrOrder = true;
        return sets;
    }

    private static void collectSortFields(PartTree node, List<SortField<?>> into) {
        if (node.part instanceof SortField<?> s) {
            into.add(s);
            return;
        }
        if (node.part instanceof Select<?>) return;
        node.children.forEach(c -> collectSortFields(c, into));
    }

    /** The operators, lower case, in order ("union all", "except", ...); empty for a query without them. */
    List<String> operators() {
        return operators;
    }

    /** Every branch; the first is the query itself (its clauses read as the first branch's). */
    List<Select<?>> branches() {
        return branches;
    }

    /** The ORDER BY of the whole set operation. */
    List<SortField<?>> orderBy() {
        return orderBy;
    }

    boolean branchHasOwnLimitOrOrder() {
        return branchLimitOrOrder;
    }
}
