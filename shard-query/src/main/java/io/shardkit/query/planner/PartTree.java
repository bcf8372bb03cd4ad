package io.shardkit.query.planner;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.jooq.QueryPart;
import org.jooq.SQLDialect;
import org.jooq.VisitContext;
import org.jooq.VisitListener;
import org.jooq.impl.DSL;
import org.jooq.impl.DefaultConfiguration;
import org.jooq.impl.DefaultVisitListenerProvider;

/**
 * A query part and everything below it, as jOOQ visits them while rendering: the open-source query object model has
 * no traversal API, and rendering with a {@link VisitListener} is the public way to see every part — including the
 * ones the model's accessors do not reach (set operations, keywords between branches).
 */
final class PartTree {
    final QueryPart part;
    final List<PartTree> children = new ArrayList<>();
    private String text;

    private PartTree(QueryPart part) {
        this.part = part;
    }

    static PartTree of(QueryPart root) {
        PartTree top = new PartTree(root);
        Deque<PartTree> open = new ArrayDeque<>();
        VisitListener listener = new VisitListener() {
            @Override
            public void visitStart(VisitContext ctx) {
                QueryPart p = ctx.queryPart();
                if (open.isEmpty() && p == root) {
                    open.push(top);
                    return;
                }
                PartTree node = new PartTree(p);
                if (open.isEmpty()) top.children.add(node); else open.peek().children.add(node);
                open.push(node);
            }

            @Override
            public void visitEnd(VisitContext ctx) {
                if (!open.isEmpty()) open.pop();
            }
        };
        DSL.using(new DefaultConfiguration().set(SQLDialect.DEFAULT).set(new DefaultVisitListenerProvider(listener))).render(root);
        return top;
    }

    /** The part's SQL on one line. */
    String text() {
        if (text == null) text = part.toString().replaceAll("\\s+", " ").trim();
        return text;
    }

    @Override
    public String toString() {
        return part.getClass().getSimpleName() + "[" + text() + "]";
    }
}
