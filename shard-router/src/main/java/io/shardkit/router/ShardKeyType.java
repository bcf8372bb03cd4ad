package io.shardkit.router;

import java.time.Instant;
import java.util.Locale;

/**
 * The kinds of value a shard key may be. {@code int} keys are widened to {@code long}, so {@code 42} and
 * {@code 42L} always route to the same shard.
 */
public enum ShardKeyType {
    LONG, STRING, UUID, BYTES, INSTANT;

    /** The key type of a value, or a {@link ShardException} naming the value's type when it is not a supported key. */
    public static ShardKeyType of(Object key) {
        if (key instanceof Long || key instanceof Integer) return LONG;
        if (key instanceof String) return STRING;
        if (key instanceof java.util.UUID) return UUID;
        if (key instanceof byte[]) return BYTES;
        if (key instanceof Instant) return INSTANT;
        if (key == null) {
            throw new ShardException(ShardException.Code.KEY,
                    "shard key is null — pass the value that decides the shard (long, int, String, UUID, byte[] or Instant)");
        }
        throw new ShardException(ShardException.Code.KEY, "shard key of type " + key.getClass().getName()
                + " is not supported — use long, int, String, UUID, byte[] or (for range strategies) Instant");
    }

    /** Parses a configured name: {@code long}, {@code string}, {@code uuid}, {@code bytes} or {@code instant}. */
    public static ShardKeyType parse(String name) {
        for (ShardKeyType t : values()) {
            if (t.name().equalsIgnoreCase(name.trim())) return t;
        }
        throw new IllegalArgumentException("unknown key type '" + name + "' — use long, string, uuid, bytes or instant");
    }

    /** Parses the text form of a key of this type, as written in {@code shards.yml} (bytes as hex). */
    public Object parseKey(String text) {
        return switch (this) {
            case LONG -> Long.parseLong(text.trim());
            case STRING -> text;
            case UUID -> java.util.UUID.fromString(text.trim());
            case BYTES -> java.util.HexFormat.of().parseHex(text.trim());
            case INSTANT -> Instant.parse(text.trim());
        };
    }

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** "a long", "an instant": for messages. */
    public String withArticle() {
        return (this == INSTANT ? "an " : "a ") + configName();
    }

}
