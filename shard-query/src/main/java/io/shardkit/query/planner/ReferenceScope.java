package io.shardkit.query.planner;

import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jooq.CommonTableExpression;
import org.jooq.QueryPart;
import org.jooq.Select;
import org.jooq.Table;
import org.jooq.impl.QOM;

/**
 * The tables one query names, and which of them are reference tables (every shard holds all their rows). A name an
 * alias, a derived table or a common table expression declares is not a table; an alias of a reference table (jOOQ's
 * {@code as}, generated tables' too) is a reference table. Names compare without case, as databases fold unquoted ones.
 */
final class ReferenceScope {
    private final Set<String> reference;                               // folded
    private final Map<Table<?>, String> aliased = new IdentityHashMap<>(); // an alias declaration → the table's name
    private final Set<String> declared = new HashSet<>();              // folded alias and CTE names
    private final Set<String> named = new TreeSet<>();                 // every table the query reads, as written

    private ReferenceScope(Set<String> reference) {
        this.reference = reference;
    }

    static ReferenceScope of(Select<?> q, Set<String> referenceTables) {
        Set<String> folded = new HashSet<>();
        referenceTables.forEach(t -> folded.add(fold(t)));
        ReferenceScope scope = new ReferenceScope(folded);
        if (!folded.isEmpty()) {
            scope.walk(PartTree.of(q));
            // a column's qualifier renders as a table of the alias's name: not a table the query reads
            scope.named.removeIf(n -> scope.declared.contains(fold(n)) && !scope.isReferenceName(n));
        }
        return scope;
    }

    /** Whether any reference table is declared at all. */
    boolean any() {
        return !reference.isEmpty();
    }

    /** Whether the query reads tables, all of them reference tables: one shard answers it as one database would. */
    boolean onlyReference() {
        if (named.isEmpty()) return false;
        for (String n : named) if (!isReferenceName(n)) return false;
        return true;
    }

    /** Whether {@code t}, a table of a FROM clause (aliased or not), is a reference table. */
    boolean isReference(Table<?> t) {
        if (reference.isEmpty()) return false;
        Table<?> table = t instanceof QOM.TableAlias<?> a ? a.$table() : t;
        String name = aliased.get(table);
        if (name == null && isNamedTable(table)) name = nameOf(table);
        return name != null && isReferenceName(name);
    }

    private boolean isReferenceName(String name) {
        return reference.contains(fold(name));
    }

    private void walk(PartTree node) {
        QueryPart p = node.part;
        if (p instanceof CommonTableExpression<?> cte) {
            declared.add(fold(cte.getName()));
        } else if (p instanceof QOM.TableAlias<?> a) {
            declared.add(fold(a.getName()));
        } else if (p instanceof Table<?> t && isNamedTable(t)) {
            Table<?> target = aliasTarget(node);
            if (target != null) {
                // a generated table's alias declaration renders the table it aliases inside an Alias part
                declared.add(fold(t.getName()));
                aliased.put(t, nameOf(target));
            } else {
                named.add(nameOf(t));
            }
        }
        node.children.forEach(this::walk);
    }

    private static Table<?> aliasTarget(PartTree node) {
        for (PartTree c : node.children) {
            if (c.part.getClass().getSimpleName().equals("Alias")) {
                for (PartTree inner : c.children) if (inner.part instanceof Table<?> t && isNamedTable(t)) return t;
            }
        }
        return null;
    }

    /** A table of a schema, named: jOOQ's table implementation (generated tables extend it) or plain SQL naming one. */
    static boolean isNamedTable(Table<?> t) {
        if (Allowlist.isPlainSql(t)) return Allowlist.column(org.jooq.impl.DSL.field(t.toString()));
        for (Class<?> c = t.getClass(); c != null; c = c.getSuperclass()) {
            if (c.getName().equals("org.jooq.impl.TableImpl")) return true;
        }
        return false;
    }

    private static String nameOf(Table<?> t) {
        if (Allowlist.isPlainSql(t)) {
            String text = t.toString().trim();
            return text.substring(text.lastIndexOf('.') + 1).replace("\"", "").replace("`", "");
        }
        return t.getName();
    }

    private static String fold(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
