package io.shardkit.router;

import io.shardkit.router.internal.Fnv1a32;
import io.shardkit.router.internal.Murmur3;
import java.util.Locale;
import java.util.UUID;

/**
 * A frozen function from a shard key to a 64-bit token. The output of each named hash is a public contract
 * pinned by golden vectors: data is placed by it, so a changed output would silently move data. A different
 * function ships under a new name, never as a change to an existing one.
 *
 * <p>Bytes hashed per key type: {@code long} (and {@code int}, widened) — 8 bytes; {@code String} — its UTF-8
 * encoding; {@code UUID} — its 16 RFC 4122 bytes (most significant long big-endian, then least); {@code byte[]} —
 * as given.
 */
public enum KeyHash {
    /**
     * MurmurHash3 x64 128, seed 0, first 64 bits (Guava's {@code murmur3_128().hashXxx(k).asLong()}); a
     * {@code long} is hashed as its 8 little-endian bytes, like Guava's {@code hashLong}.
     */
    MURMUR3("murmur3") {
        @Override
        public long hashLong(long key) {
            return Murmur3.hashLong(key);
        }

        @Override
        public long hashString(CharSequence key) {
            return Murmur3.hashUtf8(key);
        }

        @Override
        public long hashUuid(UUID key) {
            return Murmur3.hashTwoLongsBigEndian(key.getMostSignificantBits(), key.getLeastSignificantBits());
        }

        @Override
        public long hashBytes(byte[] key) {
            return Murmur3.hashBytes(key);
        }
    },

    /**
     * FNV-1a 32 as an unsigned value in {@code [0, 2^32)}; a {@code long} is hashed as its 8 big-endian bytes, so
     * {@code token % n} equals Go's {@code fnv.New32a(); binary.Write(h, binary.BigEndian, id); int(h.Sum32()) % n}.
     */
    FNV1A32("fnv1a32") {
        @Override
        public long hashLong(long key) {
            return Integer.toUnsignedLong(Fnv1a32.hashLongBigEndian(key));
        }

        @Override
        public long hashString(CharSequence key) {
            return Integer.toUnsignedLong(Fnv1a32.hashUtf8(key));
        }

        @Override
        public long hashUuid(UUID key) {
            return Integer.toUnsignedLong(
                    Fnv1a32.hashTwoLongsBigEndian(key.getMostSignificantBits(), key.getLeastSignificantBits()));
        }

        @Override
        public long hashBytes(byte[] key) {
            return Integer.toUnsignedLong(Fnv1a32.hashBytes(key));
        }

        @Override
        public long spread(long token) {
            return token << 32;
        }
    };

    private final String configName;

    KeyHash(String configName) {
        this.configName = configName;
    }

    public abstract long hashLong(long key);

    public abstract long hashString(CharSequence key);

    public abstract long hashUuid(UUID key);

    public abstract long hashBytes(byte[] key);

    /** The token of any supported key; {@code int} is widened to {@code long}. */
    public final long hash(Object key) {
        return switch (key) {
            case Long l -> hashLong(l);
            case Integer i -> hashLong(i);
            case String s -> hashString(s);
            case UUID u -> hashUuid(u);
            case byte[] b -> hashBytes(b);
            case null, default -> {
                ShardKeyType type = ShardKeyType.of(key); // throws for null and unsupported types
                throw new ShardException(ShardException.Code.KEY, "a " + type.configName()
                        + " key cannot be hashed — hashing strategies take long, int, String, UUID or byte[]; use a range strategy for "
                        + type.configName() + " keys");
            }
        };
    }

    /**
     * Spreads a token over the whole signed 64-bit space, for strategies (the ring) that place points there.
     * Identity for 64-bit hashes.
     */
    public long spread(long token) {
        return token;
    }

    /** The name used in {@code shards.yml}. */
    public String configName() {
        return configName;
    }

    public static KeyHash byName(String name) {
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        for (KeyHash h : values()) {
            if (h.configName.equals(wanted)) return h;
        }
        throw new IllegalArgumentException("unknown hash '" + name + "' — use murmur3 or fnv1a32");
    }
}
