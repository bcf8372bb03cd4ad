package io.shardkit.query;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import org.jooq.SQLDialect;

/**
 * One aggregate of one group, combined from the shards' partial results, and finished as the database would
 * finish it over all rows at once.
 */
final class PartialAggregate {
    private final QueryShape.Aggregate kind;
    private final SqlOrdering ordering;
    private final SQLDialect dialect;
    private final boolean smallIntegerArgument; // AVG only: an INTEGER/SMALLINT/TINYINT column (H2 averages those as DOUBLE)
    private long count;
    private BigDecimal sum;
    private Object extreme;

    PartialAggregate(QueryShape.Aggregate kind, SqlOrdering ordering, SQLDialect dialect, boolean smallIntegerArgument) {
        this.kind = kind;
        this.ordering = ordering;
        this.dialect = dialect;
        this.smallIntegerArgument = smallIntegerArgument;
    }

    /** Adds one shard's part: {@code values[at]} (and {@code values[at + 1]} for AVG's count). */
    void add(Object[] values, int at) {
        switch (kind) {
            case COUNT -> count += ((Number) values[at]).longValue();
            case SUM -> addSum(values[at]);
            case AVG -> {
                addSum(values[at]);
                count += ((Number) values[at + 1]).longValue();
            }
            case MIN, MAX -> {
                Object v = values[at];
                if (v == null) return;
                if (extreme == null) {
                    extreme = v;
                    return;
                }
                int c = ordering.compare(v, extreme);
                if (kind == QueryShape.Aggregate.MIN ? c < 0 : c > 0) extreme = v;
            }
        }
    }

    private void addSum(Object v) {
        if (v == null) return;
        BigDecimal d = SqlOrdering.decimal((Number) v);
        sum = sum == null ? d : sum.add(d);
    }

    /** The per-shard columns this aggregate takes. */
    int width() {
        return kind == QueryShape.Aggregate.AVG ? 2 : 1;
    }

    /** The combined value, before conversion to the column's Java type. */
    Object result() {
        return switch (kind) {
            case COUNT -> count;
            case SUM -> sum;
            case MIN, MAX -> extreme;
            case AVG -> average();
        };
    }

    /** AVG as each database computes it from the exact sum and count of all rows. */
    private Object average() {
        if (count == 0 || sum == null) return null;
        BigDecimal n = BigDecimal.valueOf(count);
        return switch (dialect.family()) {
            // numeric_div(sum, count): the scale PostgreSQL's select_div_scale picks, rounded half away from zero.
            case POSTGRES -> sum.divide(n, postgresDivisionScale(sum, n), RoundingMode.HALF_UP);
            // H2: DOUBLE PRECISION for integer columns, else NUMERIC with 10 more digits of scale, rounded half down.
            case H2 -> smallIntegerArgument
                    ? (Object) (sum.doubleValue() / count)
                    : sum.divide(n, Math.max(sum.scale(), 0) + 10, RoundingMode.HALF_DOWN);
            default -> throw new IllegalStateException("AVG is not merged for " + dialect);
        };
    }

    /** PostgreSQL's {@code select_div_scale} (numeric.c): at least 16 significant digits, never less than either input's scale. */
    static int postgresDivisionScale(BigDecimal dividend, BigDecimal divisor) {
        int[] a = weightAndFirstDigit(dividend);
        int[] b = weightAndFirstDigit(divisor);
        int qweight = a[0] - b[0];
        if (a[1] <= b[1]) qweight--;
        int rscale = 16 - qweight * 4;
        rscale = Math.max(rscale, Math.max(dividend.scale(), 0));
        rscale = Math.max(rscale, Math.max(divisor.scale(), 0));
        return Math.min(Math.max(rscale, 0), 1000);
    }

    /** The weight and first digit of a value written in PostgreSQL's base-10000 digits. */
    static int[] weightAndFirstDigit(BigDecimal value) {
        BigDecimal v = value.abs();
        if (v.signum() == 0) return new int[] {0, 0};
        if (v.compareTo(BigDecimal.ONE) >= 0) {
            String digits = v.toBigInteger().toString();
            int weight = (digits.length() - 1) / 4;
            int lead = digits.length() - 4 * weight;
            return new int[] {weight, Integer.parseInt(digits.substring(0, lead))};
        }
        int weight = 0;
        BigDecimal shifted = v;
        do {
            weight--;
            shifted = shifted.movePointRight(4);
        } while (shifted.compareTo(BigDecimal.ONE) < 0);
        BigInteger group = shifted.toBigInteger();
        return new int[] {weight, group.intValueExact()};
    }
}
