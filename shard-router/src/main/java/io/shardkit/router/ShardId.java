package io.shardkit.router;

import java.util.Objects;
import java.util.regex.Pattern;

/** The name of a logical shard ({@code s0}, {@code eu-7}). Logical shards outlive the databases that hold them. */
public record ShardId(String value) implements Comparable<ShardId> {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");

    public ShardId {
        Objects.requireNonNull(value, "value");
        if (!VALID.matcher(value).matches()) {
            throw new ShardException(ShardException.Code.CONFIG,
                    "invalid shard id '" + value + "' — use 1 to 63 letters, digits, '_', '.' or '-', starting with a letter or digit");
        }
    }

    public static ShardId of(String value) {
        return new ShardId(value);
    }

    @Override
    public int compareTo(ShardId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
