package io.shardkit.move.verify;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.HexFormat;

/**
 * A value as text both sides agree on, whatever the database: numbers without trailing zeros, bytes as hex, times as
 * ISO text. Two rows are the same when their canonical texts are.
 */
final class Canonical {
    private Canonical() {
    }

    static String of(Object v) {
        return switch (v) {
            case null -> "\u0000null";
            case BigDecimal d -> d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
            case BigInteger i -> i.toString();
            case Double d -> d.isNaN() || d.isInfinite() ? d.toString() : new BigDecimal(d).stripTrailingZeros().toPlainString();
            case Float f -> of(f.doubleValue());
            case Number n -> n.toString();
            case Boolean b -> b ? "1" : "0";
            case byte[] bytes -> HexFormat.of().formatHex(bytes);
            case java.sql.Timestamp t -> t.toLocalDateTime().toString();
            case java.sql.Date d -> d.toLocalDate().toString();
            default -> v.toString();
        };
    }

    static String row(Object[] values) {
        StringBuilder sb = new StringBuilder();
        for (Object v : values) sb.append(of(v)).append('\u0001');
        return sb.toString();
    }
}
