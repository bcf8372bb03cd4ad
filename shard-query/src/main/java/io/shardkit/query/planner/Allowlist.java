package io.shardkit.query.planner;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jooq.DataType;
import org.jooq.Keyword;
import org.jooq.Name;
import org.jooq.Param;
import org.jooq.QueryPart;
import org.jooq.TableField;
import org.jooq.impl.QOM;

/**
 * The parts of jOOQ's query model a fan-out accepts, by what they are. Everything not listed here — including any
 * part a future jOOQ adds — is refused by name. A row-local part computes one row's value from that row alone, the
 * same on every shard and in one database, so evaluating it per shard is exact.
 */
final class Allowlist {
    /** Deterministic scalar operators and functions of one row. No clock, no randomness, no sequences. */
    private static final List<Class<?>> ROW_LOCAL = List.of(
            QOM.Add.class, QOM.Sub.class, QOM.Mul.class, QOM.Div.class, QOM.Mod.class, QOM.Neg.class,
            QOM.Abs.class, QOM.Round.class, QOM.Trunc.class, QOM.Floor.class, QOM.Ceil.class, QOM.Sign.class,
            QOM.Power.class, QOM.Sqrt.class, QOM.Square.class, QOM.Exp.class, QOM.Ln.class, QOM.Log10.class,
            QOM.Coalesce.class, QOM.Nvl.class, QOM.Nvl2.class, QOM.Nullif.class, QOM.Iif.class, QOM.Choose.class,
            QOM.CaseSimple.class, QOM.CaseSearched.class, QOM.Decode.class, QOM.Cast.class,
            QOM.Lower.class, QOM.Upper.class, QOM.Trim.class, QOM.Ltrim.class, QOM.Rtrim.class, QOM.Substring.class,
            QOM.Concat.class, QOM.Left.class, QOM.Right.class, QOM.Lpad.class, QOM.Rpad.class, QOM.Replace.class,
            QOM.Position.class, QOM.CharLength.class, QOM.OctetLength.class, QOM.Repeat.class, QOM.Reverse.class,
            QOM.Translate.class, QOM.Extract.class, QOM.Greatest.class, QOM.Least.class, QOM.DateAdd.class,
            QOM.TimestampDiff.class, QOM.ToChar.class, QOM.Coerce.class, QOM.Collated.class,
            // conditions
            QOM.And.class, QOM.Or.class, QOM.Xor.class, QOM.Not.class, QOM.NotField.class, QOM.Eq.class, QOM.Ne.class,
            QOM.Lt.class, QOM.Le.class, QOM.Gt.class, QOM.Ge.class, QOM.IsDistinctFrom.class,
            QOM.IsNotDistinctFrom.class, QOM.Between.class, QOM.InList.class, QOM.NotInList.class, QOM.IsNull.class,
            QOM.IsNotNull.class, QOM.Like.class, QOM.NotLike.class, QOM.LikeIgnoreCase.class,
            QOM.NotLikeIgnoreCase.class, QOM.StartsWith.class, QOM.EndsWith.class, QOM.Contains.class,
            QOM.RegexpLike.class, QOM.NotRegexpLike.class,
            QOM.True.class, QOM.False.class, QOM.ConditionAsField.class, QOM.FieldCondition.class,
            // subquery predicates: their query is checked as a subquery
            QOM.In.class, QOM.NotIn.class, QOM.Exists.class, QOM.ScalarSubquery.class);

    /** The aggregates whose per-shard parts combine exactly (AVG as SUM and COUNT; DISTINCT by pushing values down). */
    static final List<Class<?>> MERGED_AGGREGATES = List.of(QOM.Count.class, QOM.Sum.class, QOM.Avg.class, QOM.Min.class,
            QOM.Max.class);

    /** Plain SQL that is only an identifier ({@code field("l_price")}, {@code table("orders")}): a column or table. */
    private static final Pattern IDENTIFIER = Pattern.compile("(?:[A-Za-z_][A-Za-z0-9_$]*|\"[^\"]+\"|`[^`]+`)"
            + "(?:\\.(?:[A-Za-z_][A-Za-z0-9_$]*|\"[^\"]+\"|`[^`]+`))*");
    /** Rendering tokens jOOQ writes as plain SQL: operators, parentheses, the asterisk of COUNT(*). */
    private static final Pattern TOKEN = Pattern.compile("[^\\p{L}\\p{N}_\"'`]*");

    private Allowlist() {
    }

    static boolean rowLocal(QueryPart p) {
        for (Class<?> c : ROW_LOCAL) if (c.isInstance(p)) return true;
        return false;
    }

    static boolean mergedAggregate(QueryPart p) {
        for (Class<?> c : MERGED_AGGREGATES) if (c.isInstance(p)) return true;
        return false;
    }

    /** A column: a table field, or plain SQL that is nothing but a (qualified) identifier. */
    static boolean column(QueryPart p) {
        return p instanceof TableField<?, ?> || (isPlainSql(p) && p instanceof org.jooq.Field<?>
                && IDENTIFIER.matcher(p.toString().trim()).matches());
    }

    static boolean value(QueryPart p) {
        return p instanceof Param<?>;
    }

    /** Parts that only carry rendering: lists, keywords, names, data types, operator tokens. */
    static boolean structural(QueryPart p) {
        return p instanceof QOM.UnmodifiableCollection<?> || p instanceof Keyword || p instanceof Name
                || p instanceof DataType<?> || p.getClass().getSimpleName().equals("ConditionProviderImpl")
                || (isPlainSql(p) && TOKEN.matcher(p.toString().trim()).matches());
    }

    static boolean isPlainSql(QueryPart p) {
        return p.getClass().getSimpleName().startsWith("SQL");
    }

    /** A window function, or an aggregate used as one (with OVER). */
    static boolean window(QueryPart p) {
        if (!(p instanceof QOM.WindowFunction<?, ?> w)) return false;
        return !(p instanceof QOM.AggregateFunction<?, ?>)
                || w.$windowSpecification() != null || w.$windowDefinition() != null || w.$windowName() != null;
    }

    /** How a refusal names a part: its model type ("function RAND"), or the function name a user wrote. */
    static String name(QueryPart p) {
        if (p instanceof QOM.Function<?> f) return "function " + f.getName().toUpperCase(Locale.ROOT);
        if (isPlainSql(p)) return "plain SQL (" + p + ")";
        String type = modelType(p);
        if (p instanceof QOM.AggregateFunction<?, ?>) return "aggregate " + upperSnake(type);
        return "function " + upperSnake(type);
    }

    /**
     * A part that is none of the model's public types: a piece jOOQ renders an operator through (the {@code a || b}
     * inside a three-argument CONCAT). Accepted only directly below an allowlisted operator.
     */
    static boolean renderingHelper(QueryPart p) {
        return !isPlainSql(p) && publicModelType(p) == null && p.getClass().getName().startsWith("org.jooq.impl.")
                && !(p instanceof org.jooq.Select<?>);
    }

    /** The first public QOM interface {@code p} implements (Add, Upper, Count, …), or null for a rendering piece. */
    static String publicModelType(QueryPart p) {
        for (Class<?> c = p.getClass(); c != null; c = c.getSuperclass()) {
            for (Class<?> i : c.getInterfaces()) {
                if (i.getEnclosingClass() == QOM.class && java.lang.reflect.Modifier.isPublic(i.getModifiers())
                        && !i.getSimpleName().equals("Aliasable") && !i.getSimpleName().matches("U[A-Z].*|Unmodifiable.*")) {
                    return i.getSimpleName();
                }
            }
        }
        return null;
    }

    /** The simplest QOM interface {@code p} implements, or its class name. */
    private static String modelType(QueryPart p) {
        String type = publicModelType(p);
        return type != null ? type : p.getClass().getSimpleName();
    }

    private static String upperSnake(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
    }
}
