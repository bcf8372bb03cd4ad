package io.shardkit.query.differential;

import java.util.List;
import java.util.Objects;

/**
 * What the single database's answer to a query pins down, and so how strictly a fan-out answer is compared.
 *
 * @param ordering         whether ORDER BY fixes the order of every row, of some, or of none
 * @param sortColumns      output columns holding the ORDER BY keys, in ORDER BY order; for {@link Ordering#PARTIAL}
 * @param limitMayCutTies  LIMIT/OFFSET may cut inside a group of rows with equal sort keys, so which of those rows
 *                         are returned is the database's choice
 */
record ResultShape(Ordering ordering, List<Integer> sortColumns, boolean limitMayCutTies) {

    /** How far ORDER BY determines the order of the rows. */
    enum Ordering {
        /** No ORDER BY: the rows are a multiset. */
        NONE,
        /** ORDER BY is total (it includes a unique key, or every GROUP BY / DISTINCT column): one right order. */
        TOTAL,
        /** ORDER BY leaves ties: the sort keys come in one order, the rows within a tie in any. */
        PARTIAL
    }

    ResultShape {
        Objects.requireNonNull(ordering, "ordering");
        sortColumns = List.copyOf(sortColumns);
        if (ordering == Ordering.PARTIAL && sortColumns.isEmpty()) {
            throw new IllegalArgumentException("a PARTIAL ordering needs its sort columns");
        }
        if (ordering != Ordering.PARTIAL && limitMayCutTies) {
            throw new IllegalArgumentException("only a PARTIAL ordering has ties for a LIMIT to cut, not " + ordering);
        }
    }

    static ResultShape unordered() {
        return new ResultShape(Ordering.NONE, List.of(), false);
    }

    static ResultShape total() {
        return new ResultShape(Ordering.TOTAL, List.of(), false);
    }

    static ResultShape partial(List<Integer> sortColumns, boolean limitMayCutTies) {
        return new ResultShape(Ordering.PARTIAL, sortColumns, limitMayCutTies);
    }
}
