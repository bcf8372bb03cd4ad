package io.shardkit.move.verify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.util.UUID;

/**
 * A primary key as JSON text, {@code [["long","42"],["string","a"]]}: each value with its Java type, so the text
 * turns back into exactly the bind values it came from (a long stays a long, a timestamp keeps its microseconds).
 */
final class KeyText {
    private static final ObjectMapper JSON = new ObjectMapper();

    private KeyText() {
    }

    static String write(String table, Object[] key) {
        ArrayNode array = JSON.createArrayNode();
        for (Object v : key) {
            String type = switch (v) {
                case Long x -> "long";
                case Integer x -> "int";
                case Short x -> "short";
                case Byte x -> "byte";
                case BigDecimal x -> "decimal";
                case BigInteger x -> "bigint";
                case String x -> "string";
                case UUID x -> "uuid";
                case LocalDateTime x -> "localdatetime";
                case OffsetDateTime x -> "offsetdatetime";
                case LocalDate x -> "localdate";
                case LocalTime x -> "localtime";
                case java.sql.Timestamp x -> "timestamp";
                case java.sql.Date x -> "date";
                case byte[] x -> "bytes";
                case null, default -> throw new IllegalArgumentException("table " + table + ": a primary key value of type "
                        + (v == null ? "null" : v.getClass().getName()) + " cannot be saved as verify progress"
                        + " — verify this table without a progress store");
            };
            String text = switch (v) {
                case BigDecimal d -> d.toPlainString();
                case java.sql.Timestamp t -> t.toLocalDateTime().toString();
                case byte[] b -> HexFormat.of().formatHex(b);
                default -> v.toString();
            };
            array.addArray().add(type).add(text);
        }
        return array.toString();
    }

    static Object[] read(String json) {
        JsonNode array;
        try {
            array = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("verify progress holds a key that is not JSON: " + json, e);
        }
        Object[] key = new Object[array.size()];
        for (int i = 0; i < key.length; i++) {
            String type = array.get(i).get(0).asText();
            String text = array.get(i).get(1).asText();
            key[i] = switch (type) {
                case "long" -> Long.valueOf(text);
                case "int" -> Integer.valueOf(text);
                case "short" -> Short.valueOf(text);
                case "byte" -> Byte.valueOf(text);
                case "decimal" -> new BigDecimal(text);
                case "bigint" -> new BigInteger(text);
                case "string" -> text;
                case "uuid" -> UUID.fromString(text);
                case "localdatetime" -> LocalDateTime.parse(text);
                case "offsetdatetime" -> OffsetDateTime.parse(text);
                case "localdate" -> LocalDate.parse(text);
                case "localtime" -> LocalTime.parse(text);
                case "timestamp" -> java.sql.Timestamp.valueOf(LocalDateTime.parse(text));
                case "date" -> java.sql.Date.valueOf(LocalDate.parse(text));
                case "bytes" -> HexFormat.of().parseHex(text);
                default -> throw new IllegalStateException("verify progress holds a key value of unknown type " + type);
            };
        }
        return key;
    }
}
