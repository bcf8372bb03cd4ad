package io.shardkit.query;

import java.util.function.IntPredicate;

/** SQL's three truth values, for conditions evaluated after a merge. */
enum Truth {
    TRUE, FALSE, UNKNOWN;

    /** A condition over a merged row. */
    interface Expr {
        Truth eval(Object[] row);
    }

    static Truth of(boolean b) {
        return b ? TRUE : FALSE;
    }

    static Truth and(Truth a, Truth b) {
        if (a == FALSE || b == FALSE) return FALSE;
        return a == TRUE && b == TRUE ? TRUE : UNKNOWN;
    }

    static Truth or(Truth a, Truth b) {
        if (a == TRUE || b == TRUE) return TRUE;
        return a == FALSE && b == FALSE ? FALSE : UNKNOWN;
    }

    static Truth not(Truth a) {
        return a == UNKNOWN ? UNKNOWN : of(a == FALSE);
    }

    /** A comparison: unknown when either side is NULL. */
    static Truth compare(SqlOrdering ordering, Object a, Object b, IntPredicate test) {
        if (a == null || b == null) return UNKNOWN;
        return of(test.test(ordering.compare(a, b)));
    }
}
