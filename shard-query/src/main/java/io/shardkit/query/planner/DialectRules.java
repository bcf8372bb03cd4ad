package io.shardkit.query.planner;

import io.shardkit.query.UnsupportedFanOutException;
import java.util.List;
import java.util.function.Function;
import org.jooq.DataType;
import org.jooq.Field;
import org.jooq.QueryPart;
import org.jooq.SQLDialect;
import org.jooq.Select;
import org.jooq.SortField;
import org.jooq.impl.QOM;

/**
 * What one kind of database cannot do, or does its own way, checked once the shards' dialect is known: each is
 * refused by name rather than answered differently from that database.
 */
public final class DialectRules {
    /** Operators whose value is one of their arguments', with that argument's own scale. */
    private static final List<Class<?>> PICKS_AN_ARGUMENT = List.of(QOM.CaseSimple.class, QOM.CaseSearched.class,
            QOM.Coalesce.class, QOM.Nvl.class, QOM.Nvl2.class, QOM.Iif.class, QOM.Greatest.class, QOM.Least.class,
            QOM.Decode.class, QOM.Choose.class);

    private DialectRules() {
    }

    /** Before any shard runs. */
    public static void check(QueryShape shape, SQLDialect dialect) {
        groupingSets(shape, dialect);
        if (dialect.family() == SQLDialect.MYSQL || dialect.family() == SQLDialect.MARIADB) {
            mysqlDivisions(shape);
            mysqlAveragesInExpressions(PartTree.of(shape.original()), null, dialect);
            if (shape.kind() == QueryShape.Kind.DATABASE_MERGE && shape.original().$distinct()) mysqlDistinctOrder(shape, dialect);
        }
        if (dialect.family() == SQLDialect.POSTGRES) postgresScales(shape);
        if (dialect.family() == SQLDialect.H2 && shape.kind() == QueryShape.Kind.DATABASE_MERGE && shape.grouped
                && !shape.countsOnly()) {
            h2GroupBy(shape);
            h2Divisions(shape);
        }
    }

    /**
     * With DISTINCT, MySQL and MariaDB sort by an ORDER BY expression as a column of its own beside the DISTINCT list
     * (even one written like a selected expression), and then answer with rows another grouping of the same rows
     * would not give (100,000 random queries on MariaDB found it twice). jOOQ's NULLS FIRST/LAST emulation adds such
     * an expression, nvl2(key, 1, 0), to any key. A position, an alias or a column is sorted as the selected column.
     */
    private static void mysqlDistinctOrder(QueryShape shape, SQLDialect dialect) {
        for (SortField<?> o : shape.original().$orderBy()) {
            if (o.$nullOrdering() != null) {
                throw Refusals.refused("DISTINCT with NULLS FIRST/LAST on " + dialect.family(), "the database answers it"
                        + " inconsistently (an ORDER BY expression outside the DISTINCT list); drop NULLS FIRST/LAST");
            }
            Field<?> key = o.$field();
            boolean position = key instanceof org.jooq.Param<?> p && p.isInline();
            if (!position && !(key instanceof QOM.FieldAlias<?>) && !Allowlist.column(key)) {
                throw Refusals.refused("DISTINCT ordered by an expression on " + dialect.family() + " (" + key + ")",
                        "the database answers it inconsistently; order by the selected column's alias or position");
            }
        }
    }

    /**
     * Once the merging database has typed the partial columns: H2 gives a CASE (COALESCE, GREATEST, …) the value of
     * whichever argument it picks — a decimal with that argument's scale, a CHAR without its padding — not a value of
     * the CASE's own type; a merge stores it in a column of that type, which pads it (12.55 becomes 12.5500, 'AIR' 
     * becomes 'AIR       '). Refused: the merge cannot keep such a value as H2 computed it.
     */
    public static void checkStored(QueryShape shape, Function<String, DataType<?>> columnType, SQLDialect dialect) {
        if (dialect.family() != SQLDialect.H2 && dialect.family() != SQLDialect.POSTGRES) return;
        List<String> columns = FinalQuery.partialColumns(shape);
        List<Field<?>> sources = FinalQuery.partialSources(shape);
        for (int i = 0; i < columns.size(); i++) {
            Field<?> source = sources.get(i);
            if (source == null) continue;
            String type = columnType.apply(columns.get(i)).getSQLDataType().getTypeName().toLowerCase(java.util.Locale.ROOT);
            if (dialect.family() == SQLDialect.POSTGRES) {
                postgresCharExpression(source, type);
                continue;
            }
            // a VARCHAR column is no safer when the pick is over CHAR values: a shard may type the pick CHAR and pad
            // what it picks past the column's length (a 100,000-query run stored 'échec     ' into VARCHAR(5))
            boolean varchar = type.equals("character varying") || type.equals("varchar");
            if (!type.equals("numeric") && !type.equals("decimal") && !type.equals("char") && !type.equals("character")
                    && !(varchar && hasCharField(PartTree.of(source)))) {
                continue;
            }
            QueryPart pick = find(PartTree.of(source));
            if (pick != null) {
                String what = pick instanceof QOM.CaseSimple<?, ?> || pick instanceof QOM.CaseSearched<?> ? "CASE"
                        : Allowlist.name(pick).replace("function ", "");
                throw Refusals.refused(what + " of " + type + " values on H2 ("
                        + source + ")", "H2 keeps the scale or padding of the argument it picks, which a merge cannot keep;"
                        + " cast the result to a type of its own (NUMERIC(p, s), VARCHAR), or fan out to PostgreSQL or MariaDB");
            }
        }
    }

    /**
     * PostgreSQL compares CHAR values without their trailing blanks, but returns them as they are: a CHAR column's
     * values all carry its padding, while an expression of type CHAR (a COALESCE or CASE over a CHAR column and a
     * literal or a VARCHAR) mixes padded and unpadded values that compare equal. Which of two equal values a MIN/MAX,
     * a group key, DISTINCT or a sort among ties keeps depends on row order, which a merge does not share with one
     * database (100,000 random queries found MAX(COALESCE(ship_mode, 'TRUCK')) answering 'TRUCK' for 'TRUCK     ').
     */
    private static void postgresCharExpression(Field<?> source, String storedType) {
        if (!storedType.equals("char") && !storedType.equals("character") && !storedType.equals("bpchar")) return;
        if (Allowlist.column(SelectReader.unalias(source))) return;
        throw Refusals.refused("a CHAR expression on POSTGRES (" + source + ")", "values that differ only in trailing"
                + " blanks are equal as CHAR, and which one comes back depends on row order; cast it to VARCHAR or TEXT");
    }

    /**
     * The shape as this database sorts it: MySQL and MariaDB ignore NULLS FIRST/LAST on a position (see
     * {@link QueryShape#withDefaultNullsForPositions()}).
     */
    public static QueryShape asSorted(QueryShape shape, SQLDialect dialect) {
        boolean mysql = dialect.family() == SQLDialect.MYSQL || dialect.family() == SQLDialect.MARIADB;
        return mysql && shape.positionalNullOrdering ? shape.withDefaultNullsForPositions() : shape;
    }

    /**
     * MySQL and MariaDB divide decimals with more digits than the quotient's type shows and keep them through SUM and
     * AVG, rounding once at the end: a sum of per-shard sums, each rounded, can differ in the last digit.
     */
    private static void mysqlDivisions(QueryShape shape) {
        for (Field<?> a : shape.aggregates) {
            Aggregates.Call c = Aggregates.call(a);
            if ((c.kind() == Aggregates.Kind.SUM || c.kind() == Aggregates.Kind.AVG) && c.argument() != null
                    && contains(PartTree.of(c.argument()), QOM.Div.class)) {
                throw Refusals.refused(c.kind() + " of a division on MYSQL/MARIADB (" + a + ")", "the database keeps"
                        + " digits of each quotient that a per-shard sum rounds away; select SUM of the dividend and divisor"
                        + " and divide once, or cast the quotient to a DECIMAL(p, s) inside the " + c.kind());
            }
        }
    }

    /**
     * MySQL and MariaDB keep digits of an AVG beyond the scale it shows, and whether an expression over it (a CAST, a sum,
     * a HAVING comparison) sees them depends on the plan: a plan that stores the aggregates in a temporary table (for a
     * COUNT(DISTINCT), or an ORDER BY on an aggregate) rounds the AVG to its scale first. One database answered
     * CAST(AVG(points) AS DECIMAL(20, 2)) with …84.86 for an average of …84.854961832 (100,000 random queries found it).
     * A merge cannot follow a plan it does not share: an AVG is answered only as a whole column or sort key.
     */
    private static void mysqlAveragesInExpressions(PartTree node, QueryPart expression, SQLDialect dialect) {
        if (node.part instanceof QOM.Avg avg) {
            if (expression != null) {
                throw Refusals.refused("an expression over AVG on " + dialect.family() + " (" + text(expression) + ")",
                        "the database rounds " + text(avg) + " to its scale first or not, as its plan goes; select AVG as"
                                + " a column of its own, or SUM and COUNT, and compute over them in Java");
            }
            return;
        }
        // the innermost enclosing expression names the refusal: avg(x) > 5, not the whole HAVING condition
        boolean opens = node.part instanceof org.jooq.Condition
                || node.part instanceof Field<?> && !(node.part instanceof QOM.FieldAlias<?>);
        for (PartTree c : node.children) mysqlAveragesInExpressions(c, opens ? node.part : expression, dialect);
    }

    /**
     * PostgreSQL keeps each NUMERIC value's own scale, and values that differ only in scale are equal: a quotient's
     * scale follows its operands' values, a COALESCE or CASE returns each argument with its own. Which of two equal
     * values a MIN/MAX, a group key or DISTINCT keeps depends on row order (100,000 random queries found MAX(COALESCE(
     * points, 0.00)) answering 0 for 0.00), so each is refused unless its scale is proven to be one.
     */
    private static void postgresScales(QueryShape shape) {
        for (Field<?> a : shape.aggregates) {
            Aggregates.Call c = Aggregates.call(a);
            if ((c.kind() == Aggregates.Kind.MIN || c.kind() == Aggregates.Kind.MAX) && c.argument() != null) {
                QueryPart varying = NumericScales.varying(c.argument());
                if (varying != null) throw scaleRefusal(c.kind() + " of", varying, a, " inside the " + c.kind());
            }
        }
        if (shape.kind() != QueryShape.Kind.DATABASE_MERGE) return;
        for (Field<?> k : shape.keys) {
            QueryPart varying = NumericScales.varying(SelectReader.unalias(k));
            if (varying != null) throw scaleRefusal(shape.grouped ? "a GROUP BY key of" : "DISTINCT over", varying, k, "");
        }
    }

    private static UnsupportedFanOutException scaleRefusal(String where, QueryPart varying, Field<?> in, String cast) {
        String what = varying instanceof QOM.Div<?> ? "a division" : Allowlist.column(varying)
                ? "a NUMERIC column of no declared scale" : "an expression whose values differ in scale";
        return Refusals.refused(where + " " + what + " on POSTGRES (" + text(in) + ")", "equal values can differ in scale"
                + " (0 and 0.00), and which one the database returns depends on row order; cast " + text(varying) + " to"
                + " NUMERIC(p, s)" + cast + (Allowlist.column(varying) ? ", or declare the column with its scale" : ""));
    }

    private static String text(QueryPart p) {
        return p.toString().replaceAll("\\s+", " ");
    }

    private static boolean contains(PartTree node, Class<?> type) {
        if (type.isInstance(node.part)) return true;
        if (node.part instanceof QOM.Cast<?> || node.part instanceof Select<?>) return false; // a cast rounds it
        for (PartTree c : node.children) if (contains(c, type)) return true;
        return false;
    }

    /** H2 has no ROLLUP, CUBE or GROUPING SETS; MySQL and MariaDB only a WITH ROLLUP of their own. */
    private static void groupingSets(QueryShape shape, SQLDialect dialect) {
        for (String construct : shape.groupingSets()) {
            boolean supported = switch (dialect.family()) {
                case H2 -> false;
                // WITH ROLLUP shows, in a super-aggregate row, a grouped expression's last value instead of NULL
                case MYSQL, MARIADB -> false;
                default -> true;
            };
            if (!supported) {
                throw Refusals.refused(construct + " on " + dialect.family(), "the database has no " + construct
                        + "; group by each grouping set in a query of its own");
            }
        }
    }

    private static boolean hasCharField(PartTree node) {
        if (node.part instanceof Field<?> f && f.getDataType().getSQLDataType() == org.jooq.impl.SQLDataType.CHAR) return true;
        for (PartTree c : node.children) if (hasCharField(c)) return true;
        return false;
    }

    private static QueryPart find(PartTree node) {
        for (Class<?> c : PICKS_AN_ARGUMENT) if (c.isInstance(node.part)) return node.part;
        if (node.part instanceof Select<?> || node.part instanceof QOM.Cast<?>) return null; // a cast fixes the scale
        for (PartTree c : node.children) {
            QueryPart found = find(c);
            if (found != null) return found;
        }
        return null;
    }

    /**
     * H2 matches a grouped expression only when it is a whole select item or sort key, never inside another expression
     * or a HAVING condition: {@code upper(lower(s))} with {@code group by lower(s)} is a column outside GROUP BY there
     * (PostgreSQL and MariaDB accept it). H2 finds out only when a group has rows; the merge is refused up front.
     */
    private static void h2GroupBy(QueryShape shape) {
        Select<?> q = shape.original();
        for (Field<?> f : shape.outputs()) strict(PartTree.of(SelectReader.unalias(f)), true, shape.keys);
        if (q.$having() != null) strict(PartTree.of(q.$having()), false, shape.keys);
        for (SortField<?> s : q.$orderBy()) {
            if (SelectReader.resolve(s.$field(), shape.outputs()) >= 0) continue;
            strict(PartTree.of(SelectReader.unalias(s.$field())), true, shape.keys);
        }
    }

    /**
     * H2 types a quotient by its operands' declared precision and scale, and a sum re-aggregated from partial sums
     * does not always keep the declared type of the sum over all rows (seen with sums of products by constants): the
     * quotient's scale can differ. Refused until the merge can type it as H2 does.
     */
    private static void h2Divisions(QueryShape shape) {
        Select<?> q = shape.original();
        List<QueryPart> parts = new java.util.ArrayList<>();
        shape.outputs().forEach(f -> parts.add(SelectReader.unalias(f)));
        if (q.$having() != null) parts.add(q.$having());
        q.$orderBy().forEach(s -> parts.add(s.$field()));
        for (QueryPart p : parts) {
            QueryPart div = divisionOfAggregates(PartTree.of(p));
            if (div != null) {
                throw Refusals.refused("a division of aggregates on H2 (" + div.toString().replaceAll("\\s+", " ") + ")",
                        "H2 scales the quotient by its operands' declared types, which a merge of partial sums does not"
                                + " always keep; divide in Java, or fan out to PostgreSQL or MariaDB");
            }
        }
    }

    private static QueryPart divisionOfAggregates(PartTree node) {
        if (node.part instanceof QOM.AggregateFunction<?, ?> || node.part instanceof Select<?>) return null;
        if (node.part instanceof QOM.Div<?> && contains(node, QOM.AggregateFunction.class)) return node.part;
        for (PartTree c : node.children) {
            QueryPart found = divisionOfAggregates(c);
            if (found != null) return found;
        }
        return null;
    }

    private static void strict(PartTree node, boolean whole, List<Field<?>> keys) {
        QueryPart p = node.part;
        if (p instanceof QOM.AggregateFunction<?, ?> || p instanceof Select<?>) return;
        for (Field<?> k : keys) {
            if (Parts.same(k, p) && (whole || Allowlist.column(k))) return;
        }
        if (Allowlist.column(p)) {
            throw Refusals.refused("column " + node.text() + " inside an expression of a GROUP BY key on H2", "H2 matches"
                    + " a grouped expression only as a whole select item or sort key; select the grouped expression itself");
        }
        for (PartTree c : node.children) strict(c, whole && c.text().equals(node.text()), keys);
    }
}
