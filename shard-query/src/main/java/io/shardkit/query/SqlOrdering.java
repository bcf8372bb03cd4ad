package io.shardkit.query;

import io.shardkit.query.planner.QueryShape;
import java.math.BigDecimal;
import java.time.temporal.Temporal;
import java.util.Comparator;
import java.util.UUID;
import org.jooq.SQLDialect;

/**
 * Orders values as the shards' database does, so that a merge of per-shard sorted streams is sorted exactly as one
 * database would sort it: where NULLs go when the query does not say (PostgreSQL: NULLs are larger than any value;
 * H2, MySQL, MariaDB: smaller), numbers by value, strings by the database's collation.
 */
final class SqlOrdering {
    /** Code point order: what PostgreSQL's "C" collation gives (UTF-8 bytes compare as code points). */
    static final Comparator<String> CODE_POINTS = SqlOrdering::compareCodePoints;
    /** UTF-16 unit order ({@link String#compareTo}): H2's default. */
    static final Comparator<String> UTF16 = String::compareTo;

    private final SQLDialect dialect;
    private final Comparator<String> strings; // null: the collation is unknown, so string keys are refused

    SqlOrdering(SQLDialect dialect, Comparator<String> strings) {
        this.dialect = dialect;
        this.strings = strings;
    }

    /** NULLs sort as larger than every value unless the query says otherwise. */
    boolean nullsLargest() {
        return dialect.family() == SQLDialect.POSTGRES;
    }

    /** Whether NULLs come first for a key sorted {@code descending}, given the query's explicit choice (null: none). */
    boolean nullsFirst(boolean descending, Boolean explicit) {
        return explicit != null ? explicit : nullsLargest() == descending;
    }

    /** Orders rows by {@code keys}, as the database orders them. */
    Comparator<Object[]> rows(java.util.List<QueryShape.SortKey> keys) {
        return (a, b) -> {
            for (QueryShape.SortKey k : keys) {
                Object x = a[k.column()];
                Object y = b[k.column()];
                int c;
                if (x == null || y == null) {
                    if (x == y) continue;
                    boolean nullsFirst = nullsFirst(k.descending(), k.nullsFirst());
                    return (x == null) == nullsFirst ? -1 : 1;
                }
                c = compare(x, y);
                if (c != 0) return k.descending() ? -c : c;
            }
            return 0;
        };
    }

    /** Compares two non-null values of one column. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    int compare(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            if (isFloat(x) || isFloat(y)) return compareFloats(x.doubleValue(), y.doubleValue());
            return decimal(x).compareTo(decimal(y));
        }
        if (a instanceof String x && b instanceof String y) {
            if (strings == null) throw new IllegalStateException("string comparison without a known collation");
            return strings.compare(x, y);
        }
        if (a instanceof UUID x && b instanceof UUID y) {
            // Databases compare UUIDs as unsigned bytes; UUID.compareTo compares signed longs.
            int c = Long.compareUnsigned(x.getMostSignificantBits(), y.getMostSignificantBits());
            return c != 0 ? c : Long.compareUnsigned(x.getLeastSignificantBits(), y.getLeastSignificantBits());
        }
        if (a instanceof byte[] x && b instanceof byte[] y) {
            return java.util.Arrays.compareUnsigned(x, y);
        }
        if (a instanceof Boolean || a instanceof Temporal || a instanceof java.util.Date || a instanceof Comparable) {
            return ((Comparable) a).compareTo(b);
        }
        throw new IllegalStateException("cannot order values of type " + a.getClass().getName());
    }

    /** Whether {@link #compare} orders values of this Java type as the databases do. */
    static boolean orders(Class<?> type) {
        return Number.class.isAssignableFrom(type) || type == String.class || type == Boolean.class || type == UUID.class
                || type == byte[].class || type == java.time.LocalDate.class || type == java.time.LocalDateTime.class
                || type == java.time.LocalTime.class || type == java.time.OffsetDateTime.class || type == java.time.Instant.class
                || java.util.Date.class.isAssignableFrom(type);
    }

    boolean knowsStrings() {
        return strings != null;
    }

    static BigDecimal decimal(Number n) {
        return switch (n) {
            case BigDecimal d -> d;
            case Long l -> BigDecimal.valueOf(l);
            case Integer i -> BigDecimal.valueOf(i);
            case Short s -> BigDecimal.valueOf(s);
            case Byte b -> BigDecimal.valueOf(b);
            case java.math.BigInteger i -> new BigDecimal(i);
            default -> new BigDecimal(n.toString());
        };
    }

    private static boolean isFloat(Number n) {
        return n instanceof Double || n instanceof Float;
    }

    /** SQL float order: -0.0 equals 0.0, NaN is larger than every number (PostgreSQL). */
    private static int compareFloats(double a, double b) {
        if (a == b) return 0;
        if (Double.isNaN(a)) return Double.isNaN(b) ? 0 : 1;
        if (Double.isNaN(b)) return -1;
        return a < b ? -1 : 1;
    }

    static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) return Integer.compare(ca, cb);
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
