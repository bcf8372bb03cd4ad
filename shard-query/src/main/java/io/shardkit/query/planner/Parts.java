package io.shardkit.query.planner;

import org.jooq.DSLContext;
import org.jooq.QueryPart;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/** Whether two parts are the same expression: jOOQ's {@code equals} alone ignores an aggregate's FILTER. */
final class Parts {
    private static final DSLContext RENDER = DSL.using(SQLDialect.DEFAULT);

    private Parts() {
    }

    static boolean same(QueryPart a, QueryPart b) {
        return a == b || (a != null && b != null && a.equals(b) && RENDER.renderInlined(a).equals(RENDER.renderInlined(b)));
    }
}
