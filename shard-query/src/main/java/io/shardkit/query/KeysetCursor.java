package io.shardkit.query;

import io.shardkit.router.ShardException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * The opaque token of a keyset page: the last row's sort-key values, typed, and a fingerprint of the query's
 * ORDER BY so that a cursor is never applied to a different query.
 */
final class KeysetCursor {
    private KeysetCursor() {
    }

    static String encode(String fingerprint, Object[] keys) {
        StringBuilder sb = new StringBuilder("k1\n").append(fingerprint);
        for (Object k : keys) {
            sb.append('\n').append(tag(k)).append(':').append(k == null ? "" : text(k));
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    static Object[] decode(String fingerprint, String token, int keys) {
        try {
            String[] lines = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split("\n", -1);
            if (lines.length != keys + 2 || !lines[0].equals("k1")) throw new IllegalArgumentException("shape");
            if (!lines[1].equals(fingerprint)) {
                throw new ShardException(ShardException.Code.KEY, "this cursor belongs to a query with another ORDER BY"
                        + " — pass the nextCursor of the previous page of the same query");
            }
            List<Object> values = new ArrayList<>();
            for (int i = 2; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                values.add(value(lines[i].substring(0, colon), lines[i].substring(colon + 1)));
            }
            return values.toArray();
        } catch (ShardException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ShardException(ShardException.Code.KEY, "malformed page cursor — pass the nextCursor of the previous"
                    + " page unchanged", e);
        }
    }

    private static String tag(Object v) {
        return switch (v) {
            case null -> "null";
            case Long l -> "long";
            case Integer i -> "int";
            case Short s -> "short";
            case BigDecimal d -> "decimal";
            case Double d -> "double";
            case Float f -> "float";
            case Boolean b -> "bool";
            case String s -> "string";
            case LocalDate d -> "date";
            case LocalDateTime t -> "datetime";
            case OffsetDateTime t -> "offsetdatetime";
            case Instant t -> "instant";
            case UUID u -> "uuid";
            default -> throw new UnsupportedFanOutException("keyset pages over " + v.getClass().getSimpleName() + " keys",
                    "order by numbers, strings, booleans, dates, timestamps or UUIDs");
        };
    }

    private static String text(Object v) {
        return v instanceof String s ? Base64.getUrlEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8)) : v.toString();
    }

    private static Object value(String tag, String text) {
        return switch (tag) {
            case "null" -> null;
            case "long" -> Long.valueOf(text);
            case "int" -> Integer.valueOf(text);
            case "short" -> Short.valueOf(text);
            case "decimal" -> new BigDecimal(text);
            case "double" -> Double.valueOf(text);
            case "float" -> Float.valueOf(text);
            case "bool" -> Boolean.valueOf(text);
            case "string" -> new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
            case "date" -> LocalDate.parse(text);
            case "datetime" -> LocalDateTime.parse(text);
            case "offsetdatetime" -> OffsetDateTime.parse(text);
            case "instant" -> Instant.parse(text);
            case "uuid" -> UUID.fromString(text);
            default -> throw new IllegalArgumentException("tag " + tag);
        };
    }
}
