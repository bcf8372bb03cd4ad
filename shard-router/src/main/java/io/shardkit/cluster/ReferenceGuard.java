package io.shardkit.cluster;

import io.shardkit.router.ShardException;
import io.shardkit.router.ShardId;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.jooq.CommonTableExpression;
import org.jooq.DSLContext;
import org.jooq.QueryPart;
import org.jooq.Table;
import org.jooq.VisitContext;
import org.jooq.VisitListener;
import org.jooq.impl.DSL;

/**
 * Refuses, as it is rendered, a statement of a reference write that names a table other than a reference table: run
 * on every shard, it would write (or read) each shard's own rows of a sharded table. Names an alias, a derived table or
 * a common table expression declares are not tables. Plain SQL strings are not seen.
 */
final class ReferenceGuard implements VisitListener {
    private final Set<String> tables;    // as declared, for the message
    private final Set<String> reference; // folded
    private final ShardId shard;
    private final Set<String> named = new TreeSet<>();
    private final Set<String> declared = new HashSet<>(); // aliases and CTE names of this statement
    private int depth;

    private ReferenceGuard(Set<String> tables, Set<String> reference, ShardId shard) {
        this.tables = tables;
        this.reference = reference;
        this.shard = shard;
    }

    /** {@code dsl} with every statement it renders checked against {@code tables}. */
    static DSLContext guard(DSLContext dsl, Set<String> tables, ShardId shard) {
        Set<String> folded = new HashSet<>();
        tables.forEach(t -> folded.add(fold(t)));
        // a provider makes a listener per rendering: the names seen belong to one statement
        return DSL.using(dsl.configuration().deriveAppending(() -> new ReferenceGuard(tables, folded, shard)));
    }

    @Override
    public void visitStart(VisitContext ctx) {
        depth++;
        QueryPart p = ctx.queryPart();
        if (p instanceof CommonTableExpression<?> cte) {
            declared.add(fold(cte.getName()));
        } else if (p instanceof org.jooq.impl.QOM.TableAlias<?> alias) {
            declared.add(fold(alias.getName()));
        } else if (p instanceof Table<?> t && isNamedTable(t)) {
            named.add(t.getName());
        }
    }

    @Override
    public void visitEnd(VisitContext ctx) {
        if (--depth > 0) return;
        Set<String> other = new TreeSet<>();
        for (String n : named) if (!reference.contains(fold(n)) && !declared.contains(fold(n))) other.add(n);
        named.clear();
        declared.clear();
        if (!other.isEmpty()) {
            throw new ShardException(ShardException.Code.UNSUPPORTED, "[shard " + shard + "] a reference write names "
                    + other + ", which " + (other.size() == 1 ? "is not a reference table" : "are not reference tables")
                    + " (declared: " + tables + "): it would run on every shard's own rows; the whole write is rolled"
                    + " back — write sharded tables with cluster.inTransaction or inAtomicTransaction, or declare the"
                    + " table reference: true");
        }
    }

    /** A table of a schema, as jOOQ's DSL names one (generated tables extend the same class); not plain SQL. */
    private static boolean isNamedTable(Table<?> t) {
        for (Class<?> c = t.getClass(); c != null; c = c.getSuperclass()) {
            if (c.getName().equals("org.jooq.impl.TableImpl")) return true;
        }
        return false;
    }

    private static String fold(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
