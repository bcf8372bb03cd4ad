package io.shardkit.move.ingest;

import io.shardkit.router.ShardException;
import io.shardkit.router.ShardKeyType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.UUID;

/**
 * A key column's value, as the database returned it, turned into the shard key a service passes to the cluster
 * ({@code cluster.dsl(key)}, {@code @ShardKey}): the cluster routes Java values, so a row is placed where the
 * service will look for it only if its value becomes the same Java key. Only conversions that cannot change the key
 * are made; anything else is refused.
 */
final class KeyValues {
    private KeyValues() {
    }

    /**
     * @param type the cluster's {@code keyType}, or null when it declares none (then the value's own type decides:
     *             integers are longs, as the cluster widens an {@code int})
     */
    static Object key(Object value, ShardKeyType type, String table, String column) {
        if (value == null) {
            throw refused(table, column, "is NULL — a row without a key has no shard");
        }
        ShardKeyType wanted = type != null ? type : natural(value, table, column);
        Object key = switch (wanted) {
            case LONG -> asLong(value);
            case STRING -> value instanceof String s ? s : null;
            case UUID -> value instanceof UUID u ? u : value instanceof String s ? uuid(s) : null;
            case BYTES -> value instanceof byte[] b ? b : null;
            case INSTANT -> value instanceof Instant i ? i : value instanceof OffsetDateTime o ? o.toInstant()
                    : value instanceof ZonedDateTime z ? z.toInstant() : null;
        };
        if (key == null) {
            throw refused(table, column, "holds a " + value.getClass().getSimpleName() + " (" + value + "), which is not "
                    + wanted.withArticle() + " key (keyType) — import by a column of that type, or change keyType");
        }
        return key;
    }

    private static ShardKeyType natural(Object value, String table, String column) {
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ShardKeyType.LONG;
        }
        if (value instanceof String) return ShardKeyType.STRING;
        if (value instanceof UUID) return ShardKeyType.UUID;
        if (value instanceof byte[]) return ShardKeyType.BYTES;
        if (value instanceof OffsetDateTime || value instanceof Instant) return ShardKeyType.INSTANT;
        throw refused(table, column, "holds a " + value.getClass().getSimpleName() + ", and the cluster declares no"
                + " keyType — set keyType (long, string, uuid, bytes or instant) so the import routes this column as the"
                + " service does");
    }

    private static Long asLong(Object value) {
        return switch (value) {
            case Long l -> l;
            case Integer i -> i.longValue();
            case Short s -> s.longValue();
            case Byte b -> b.longValue();
            case BigInteger i -> i.bitLength() < 64 ? i.longValue() : null;
            case BigDecimal d -> {
                try {
                    yield d.longValueExact();
                } catch (ArithmeticException e) {
                    yield null;
                }
            }
            default -> null;
        };
    }

    private static UUID uuid(String text) {
        try {
            return UUID.fromString(text.trim());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static ShardException refused(String table, String column, String what) {
        return new ShardException(ShardException.Code.KEY, "table " + table + ": the key column " + column + " " + what);
    }
}
