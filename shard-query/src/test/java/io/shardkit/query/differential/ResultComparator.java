package io.shardkit.query.differential;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * Decides whether a fan-out's rows are an answer the single database could have given, as strictly as the query
 * allows ({@link ResultShape}): the exact sequence when ORDER BY is total; the same multiset when there is no ORDER
 * BY; with ties, the same sequence of sort keys and the same rows within each tie, except that where LIMIT/OFFSET may
 * cut a tie, the rows there need only be rows of that tie in the complete answer.
 *
 * <p>Values are equal when they have the same Java type and are equal; a {@link BigDecimal} must have the same value
 * and the same scale ({@code 10.00} is not {@code 1E+1}), in every column, since the database's scale is part of its
 * answer. Only sort keys are compared by value to find ties, as the database does. A type difference is reported as
 * such, before anything else.
 *
 * <p>Strings may be compared under the database's collation ({@link #compare(ResultShape, List, List, List, Supplier,
 * UnaryOperator)}): under a case- and accent-insensitive collation (MariaDB's default) a group, a DISTINCT row or a
 * MIN/MAX is represented by whichever of its equal strings the database met first, so 'NEW' from a shard may stand
 * where 'new' stood in the single database. Two strings that differ are accepted as equal only if the reference
 * database says they are. (Named for what it compares, not
 * {@code Comparator}, so it never shadows {@link java.util.Comparator}.)
 */
final class ResultComparator {
    private static final int SHOWN = 3;

    /** Equal, or the first difference found, described for a person. */
    record Comparison(boolean equal, String difference) {
        static final Comparison EQUAL = new Comparison(true, "");
        /** Equal once strings the reference database holds equal are taken as equal; not equal exactly. */
        static final Comparison EQUAL_UNDER_COLLATION = new Comparison(true, "equal under the reference database's collation");

        static Comparison wrong(String difference) {
            return new Comparison(false, difference);
        }
    }

    private ResultComparator() {
    }

    /**
     * @param columns  the output column names, for messages
     * @param complete the single database's answer without LIMIT/OFFSET; asked for only when a LIMIT may have cut ties
     */
    static Comparison compare(ResultShape shape, List<String> columns, List<List<Object>> expected,
                              List<List<Object>> actual, Supplier<List<List<Object>>> complete) {
        return compare(shape, columns, expected, actual, complete, null);
    }

    /**
     * As {@link #compare(ResultShape, List, List, List, Supplier)}, but when the rows differ exactly, compares them
     * again with every string replaced by {@code canonical} of it — the representative of its class of strings equal
     * under the reference database's collation — and accepts them if that comparison does.
     */
    static Comparison compare(ResultShape shape, List<String> columns, List<List<Object>> expected,
                              List<List<Object>> actual, Supplier<List<List<Object>>> complete, UnaryOperator<String> canonical) {
        Comparison exact = compareExactly(shape, columns, expected, actual, complete);
        if (exact.equal() || canonical == null) return exact;
        Comparison collated = compareExactly(shape, columns, canonical(expected, canonical), canonical(actual, canonical),
                () -> canonical(complete.get(), canonical));
        return collated.equal() ? Comparison.EQUAL_UNDER_COLLATION : exact;
    }

    private static List<List<Object>> canonical(List<List<Object>> rows, UnaryOperator<String> canonical) {
        List<List<Object>> out = new ArrayList<>(rows.size());
        for (List<Object> r : rows) {
            List<Object> c = new ArrayList<>(r.size());
            for (Object v : r) c.add(v instanceof String s ? canonical.apply(s) : v);
            out.add(c);
        }
        return out;
    }

    private static Comparison compareExactly(ResultShape shape, List<String> columns, List<List<Object>> expected,
                                             List<List<Object>> actual, Supplier<List<List<Object>>> complete) {
        Objects.requireNonNull(shape, "shape");
        for (int i = 0; i < actual.size(); i++) {
            if (actual.get(i).size() != columns.size()) {
                return Comparison.wrong("expected " + columns.size() + " columns " + columns + ", got "
                        + actual.get(i).size() + " in row " + i + ": " + format(actual.get(i)));
            }
        }
        String types = typeMismatch(columns, expected, actual);
        if (types != null) return Comparison.wrong(types);
        if (expected.size() != actual.size()) {
            return Comparison.wrong("expected " + expected.size() + " rows, got " + actual.size() + ": "
                    + multisetDifference(shape, expected, actual));
        }
        return switch (shape.ordering()) {
            case NONE -> {
                String d = multisetDifference(shape, expected, actual);
                yield d.isEmpty() ? Comparison.EQUAL : Comparison.wrong("different rows (no ORDER BY): " + d);
            }
            case TOTAL -> inOrder(shape, columns, expected, actual);
            case PARTIAL -> withTies(shape, expected, actual, complete);
        };
    }

    // ---- the three strictnesses --------------------------------------------------------------------------------

    private static Comparison inOrder(ResultShape shape, List<String> columns, List<List<Object>> expected,
                                      List<List<Object>> actual) {
        for (int i = 0; i < expected.size(); i++) {
            if (!rowKey(shape, expected.get(i)).equals(rowKey(shape, actual.get(i)))) {
                String hint = multisetDifference(shape, expected, actual).isEmpty()
                        ? " (the same rows, in another order)" : "";
                return Comparison.wrong("row " + i + " differs (ORDER BY is total)" + hint + ": expected "
                        + format(expected.get(i)) + ", got " + format(actual.get(i)) + "; "
                        + columnDifferences(shape, columns, expected.get(i), actual.get(i)));
            }
        }
        return Comparison.EQUAL;
    }

    private static Comparison withTies(ResultShape shape, List<List<Object>> expected, List<List<Object>> actual,
                                       Supplier<List<List<Object>>> complete) {
        for (int i = 0; i < expected.size(); i++) {
            List<Object> e = sortKey(shape, expected.get(i)), a = sortKey(shape, actual.get(i));
            if (!e.equals(a)) {
                return Comparison.wrong("row " + i + " has sort keys " + format(a) + " where " + format(e)
                        + " belong (ORDER BY columns " + shape.sortColumns() + ")");
            }
        }
        List<List<Object>> all = null;
        for (int from = 0; from < expected.size(); ) {
            List<Object> key = sortKey(shape, expected.get(from));
            int to = from + 1;
            while (to < expected.size() && sortKey(shape, expected.get(to)).equals(key)) to++;
            List<List<Object>> e = expected.subList(from, to), a = actual.subList(from, to);
            boolean mayBeCut = shape.limitMayCutTies() && (from == 0 || to == expected.size());
            if (mayBeCut) {
                if (all == null) all = complete.get();
                List<List<Object>> tie = all.stream().filter(r -> sortKey(shape, r).equals(key)).toList();
                List<Object> stranger = firstNotContained(shape, a, tie);
                if (stranger != null) {
                    return Comparison.wrong("rows " + from + ".." + (to - 1) + " (sort keys " + format(key)
                            + ", a tie LIMIT/OFFSET may cut): " + format(stranger) + " is not one of the " + tie.size()
                            + " rows with these sort keys in the complete answer");
                }
            } else {
                String d = multisetDifference(shape, e, a);
                if (!d.isEmpty()) {
                    return Comparison.wrong("rows " + from + ".." + (to - 1) + " (tied on sort keys " + format(key)
                            + ") differ: " + d);
                }
            }
            from = to;
        }
        return Comparison.EQUAL;
    }

    // ---- values ------------------------------------------------------------------------------------------------

    /** The row as compared: every value as it is, BigDecimals with their scale. */
    static List<Object> rowKey(ResultShape shape, List<Object> row) {
        return row;
    }

    /** The sort keys of the row, by value: the database treats 7.50 and 7.5000 as a tie, so must the comparison. */
    private static List<Object> sortKey(ResultShape shape, List<Object> row) {
        List<Object> key = new ArrayList<>(shape.sortColumns().size());
        for (int c : shape.sortColumns()) {
            Object v = row.get(c);
            key.add(v instanceof BigDecimal d ? byValue(d) : v);
        }
        return key;
    }

    private static BigDecimal byValue(BigDecimal d) {
        return d.signum() == 0 ? BigDecimal.ZERO : d.stripTrailingZeros();
    }

    private static String typeMismatch(List<String> columns, List<List<Object>> expected, List<List<Object>> actual) {
        for (int c = 0; c < columns.size(); c++) {
            Set<String> e = classes(expected, c), a = classes(actual, c);
            if (!e.isEmpty() && !a.isEmpty() && !e.equals(a)) {
                return "type mismatch in column " + c + " (" + columns.get(c) + "): the single database returns "
                        + String.join(", ", e) + ", the fan-out " + String.join(", ", a);
            }
        }
        return null;
    }

    private static Set<String> classes(List<List<Object>> rows, int column) {
        Set<String> classes = new LinkedHashSet<>();
        for (List<Object> r : rows) {
            Object v = r.get(column);
            if (v != null) classes.add(v.getClass().getName());
        }
        return classes;
    }

    private static String columnDifferences(ResultShape shape, List<String> columns, List<Object> e, List<Object> a) {
        List<String> diffs = new ArrayList<>();
        for (int c = 0; c < e.size(); c++) {
            Object x = rowKey(shape, e).get(c), y = rowKey(shape, a).get(c);
            if (Objects.equals(x, y)) continue;
            String d = columns.get(c) + ": expected " + describe(e.get(c)) + ", got " + describe(a.get(c));
            if (e.get(c) instanceof BigDecimal p && a.get(c) instanceof BigDecimal q && p.compareTo(q) == 0) {
                d += " — same value, different scale (" + columns.get(c) + " must have the database's scale)";
            }
            diffs.add(d);
        }
        return String.join("; ", diffs);
    }

    // ---- multisets ---------------------------------------------------------------------------------------------

    /** Empty when equal as multisets, else a few missing and unexpected rows. */
    private static String multisetDifference(ResultShape shape, List<List<Object>> expected, List<List<Object>> actual) {
        Map<List<Object>, Integer> counts = new HashMap<>();
        Map<List<Object>, List<Object>> originals = new HashMap<>();
        for (List<Object> r : expected) {
            List<Object> k = rowKey(shape, r);
            counts.merge(k, 1, Integer::sum);
            originals.putIfAbsent(k, r);
        }
        for (List<Object> r : actual) {
            List<Object> k = rowKey(shape, r);
            counts.merge(k, -1, Integer::sum);
            originals.putIfAbsent(k, r);
        }
        List<String> missing = new ArrayList<>(), unexpected = new ArrayList<>();
        int missingCount = 0, unexpectedCount = 0;
        for (Map.Entry<List<Object>, Integer> entry : counts.entrySet()) {
            int n = entry.getValue();
            if (n > 0) {
                missingCount += n;
                if (missing.size() < SHOWN) missing.add(times(n) + format(originals.get(entry.getKey())));
            } else if (n < 0) {
                unexpectedCount -= n;
                if (unexpected.size() < SHOWN) unexpected.add(times(-n) + format(originals.get(entry.getKey())));
            }
        }
        if (missingCount == 0 && unexpectedCount == 0) return "";
        return "missing " + missingCount + " row(s)" + (missing.isEmpty() ? "" : " e.g. " + String.join(", ", missing))
                + "; unexpected " + unexpectedCount + " row(s)" + (unexpected.isEmpty() ? "" : " e.g. " + String.join(", ", unexpected));
    }

    private static List<Object> firstNotContained(ResultShape shape, List<List<Object>> rows, List<List<Object>> pool) {
        Map<List<Object>, Integer> available = new HashMap<>();
        pool.forEach(r -> available.merge(rowKey(shape, r), 1, Integer::sum));
        for (List<Object> r : rows) {
            Integer left = available.merge(rowKey(shape, r), -1, Integer::sum);
            if (left < 0) return r;
        }
        return null;
    }

    private static String times(int n) {
        return n == 1 ? "" : n + "× ";
    }

    // ---- formatting --------------------------------------------------------------------------------------------

    /** A row as {@code [42, 'paid ', 10.00, NULL]}: strings quoted so blanks show, numbers with their scale. */
    static String format(List<Object> row) {
        return row.stream().map(ResultComparator::formatValue).collect(Collectors.joining(", ", "[", "]"));
    }

    private static String formatValue(Object v) {
        if (v == null) return "NULL";
        if (v instanceof String s) return "'" + s + "'";
        if (v instanceof BigDecimal d) return d.toPlainString();
        if (v instanceof byte[] b) return Arrays.toString(b);
        return v.toString();
    }

    private static String describe(Object v) {
        if (v == null) return "NULL";
        String type = v.getClass().getSimpleName();
        if (v instanceof BigDecimal d) type += " scale " + d.scale();
        return formatValue(v) + " (" + type + ")";
    }
}
