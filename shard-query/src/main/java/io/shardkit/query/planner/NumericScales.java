package io.shardkit.query.planner;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.jooq.DataType;
import org.jooq.Field;
import org.jooq.Param;
import org.jooq.QueryPart;
import org.jooq.Select;
import org.jooq.impl.QOM;

/**
 * Whether every value of a numeric expression has one scale on PostgreSQL. Its NUMERIC keeps each value's own scale,
 * and values that differ only in scale (0 and 0.00) are equal: which of them a MIN/MAX, a group key or DISTINCT
 * returns depends on the order rows come in, which a merge does not share with one database. A scale is proven from
 * declared types and literals only; anything else counts as varying.
 */
final class NumericScales {
    /** Not a decimal (a string, a date, a float, a NULL literal): no scale to agree with. */
    private static final int NONE = -1;

    private NumericScales() {
    }

    /** The first part of {@code root} whose decimal values may differ in scale between rows, or null. */
    static QueryPart varying(QueryPart root) {
        return varying(PartTree.of(root));
    }

    private static QueryPart varying(PartTree node) {
        QueryPart p = node.part;
        if (p instanceof Select<?>) return null;
        boolean typedColumn = Allowlist.column(p) && ((Field<?>) p).getType() != Object.class; // untyped: unknown
        if (p instanceof Field<?> f && (p instanceof QOM.Cast<?> || p instanceof QOM.Div<?> || picks(p) != null
                || typedColumn) && scale(f) == null) {
            return p;
        }
        if (p instanceof QOM.Cast<?>) return null;
        for (PartTree c : node.children) {
            QueryPart found = varying(c);
            if (found != null) return found;
        }
        return null;
    }

    /** The scale every value has, {@link #NONE}, or null when values may differ in scale. */
    static Integer scale(Field<?> f) {
        if (f == null) return NONE;
        if (f instanceof QOM.FieldAlias<?> a) return scale(a.$field());
        if (f instanceof Param<?> p) return literal(p.getValue());
        if (f instanceof QOM.Cast<?> c) {
            Integer declared = declared(c.$dataType());
            return declared != null ? declared : scale(c.$field());
        }
        List<Field<?>> picked = picks(f);
        if (picked != null) return common(picked);
        if (f instanceof QOM.Add<?> o) return widest(scale(o.$arg1()), scale(o.$arg2()));
        if (f instanceof QOM.Sub<?> o) return widest(scale(o.$arg1()), scale(o.$arg2()));
        if (f instanceof QOM.Mod<?> o) return widest(scale(o.$arg1()), scale(o.$arg2()));
        if (f instanceof QOM.Mul<?> o) return product(scale(o.$arg1()), scale(o.$arg2()));
        if (f instanceof QOM.Neg<?> o) return scale(o.$arg1());
        if (f instanceof QOM.Abs<?> o) return scale(o.$arg1());
        if (f instanceof QOM.Div<?> o) return integerDivision(scale(o.$arg1()), scale(o.$arg2()));
        if (f instanceof QOM.Round<?> r) return rounded(scale(r.$value()), r.$decimals());
        if (f instanceof QOM.Trunc<?> t) return rounded(scale(t.$value()), t.$decimals());
        if (f instanceof QOM.Floor<?> o) return integral(scale(o.$arg1()));
        if (f instanceof QOM.Ceil<?> o) return integral(scale(o.$arg1()));
        if (f instanceof QOM.Sign o) return integral(scale(o.$arg1()));
        return declared(f.getDataType());
    }

    /** The values a CASE, COALESCE, GREATEST, … can return, or null when {@code p} is not such a pick. */
    private static List<Field<?>> picks(QueryPart p) {
        List<Field<?>> out = new ArrayList<>();
        switch (p) {
            case QOM.Coalesce<?> c -> out.addAll(c.$arg1());
            case QOM.Greatest<?> g -> out.addAll(g.$arg1());
            case QOM.Least<?> l -> out.addAll(l.$arg1());
            case QOM.Choose<?> c -> out.addAll(c.$arg2());
            case QOM.Nvl<?> n -> out.addAll(List.of(n.$value(), n.$defaultValue()));
            case QOM.Nvl2<?> n -> {
                out.add(n.$ifNotNull());
                out.add(n.$ifIfNull());
            }
            case QOM.Iif<?> i -> {
                out.add(i.$ifTrue());
                out.add(i.$ifFalse());
            }
            case QOM.CaseSearched<?> c -> {
                c.$when().forEach(w -> out.add(w.$2()));
                out.add(c.$else());
            }
            case QOM.CaseSimple<?, ?> c -> {
                c.$when().forEach(w -> out.add(w.$2()));
                out.add(c.$else());
            }
            case QOM.Decode<?, ?> d -> {
                d.$when().forEach(w -> out.add(w.$2()));
                out.add(d.$else());
            }
            default -> {
                return null;
            }
        }
        return out;
    }

    private static Integer common(List<Field<?>> values) {
        int found = NONE;
        for (Field<?> v : values) {
            Integer s = scale(v);
            if (s == null || (s != NONE && found != NONE && s != found)) return null;
            if (s != NONE) found = s;
        }
        return found;
    }

    /** A declared type's scale: 0 for integers, NONE for non-decimals, null for a decimal of no declared scale. */
    private static Integer declared(DataType<?> t) {
        Class<?> type = t.getType();
        if (type == BigDecimal.class) return t.scaleDefined() ? (Integer) t.scale() : null;
        if (type == Long.class || type == Integer.class || type == Short.class || type == Byte.class
                || type == BigInteger.class) {
            return 0;
        }
        if (type == Object.class || Number.class.isAssignableFrom(type) && type != Double.class && type != Float.class) {
            return null; // of a type jOOQ does not know: a NUMERIC for all the planner can tell
        }
        return NONE;
    }

    private static Integer literal(Object value) {
        if (value == null || value instanceof String || value instanceof Double || value instanceof Float) return NONE;
        if (value instanceof BigDecimal d) return Math.max(0, d.scale());
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte
                || value instanceof BigInteger) {
            return 0;
        }
        return value instanceof Number ? null : NONE;
    }

    private static Integer widest(Integer a, Integer b) {
        if (a == null || b == null) return null;
        return Math.max(a, b);
    }

    private static Integer product(Integer a, Integer b) {
        if (a == null || b == null) return null;
        if (a == NONE || b == NONE) return a == NONE && b == NONE ? NONE : null;
        return a + b;
    }

    /** PostgreSQL divides integers as integers; any other quotient's scale depends on the values. */
    private static Integer integerDivision(Integer a, Integer b) {
        if (a == null || b == null) return null;
        if (a == NONE && b == NONE) return NONE;
        return a == 0 && b == 0 ? (Integer) 0 : null;
    }

    /** FLOOR, CEIL and SIGN of a decimal have scale 0; of a float, no scale. */
    private static Integer integral(Integer argument) {
        return argument == null ? null : argument == NONE ? (Integer) NONE : (Integer) 0;
    }

    private static Integer rounded(Integer value, Field<Integer> decimals) {
        if (value == null || value == NONE) return value;
        if (decimals == null) return 0;
        return decimals instanceof Param<?> p && p.getValue() instanceof Integer n ? (Integer) Math.max(0, n) : null;
    }
}
