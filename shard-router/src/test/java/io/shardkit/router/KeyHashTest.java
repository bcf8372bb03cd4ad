package io.shardkit.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Our allocation-free hashes must equal the reference implementations on every input, not just the golden ones. */
class KeyHashTest {
    private static final HashFunction GUAVA = Hashing.murmur3_128();
    private final SplittableRandom random = new SplittableRandom(20261121);

    @Test
    void murmur3EqualsGuavaForRandomLongs() {
        for (int i = 0; i < 100_000; i++) {
            long v = random.nextLong();
            assertEquals(GUAVA.hashLong(v).asLong(), KeyHash.MURMUR3.hashLong(v), "long " + v);
        }
    }

    @Test
    void murmur3EqualsGuavaForRandomBytesOfEveryLengthUpTo100() {
        for (int len = 0; len <= 100; len++) {
            for (int i = 0; i < 50; i++) {
                byte[] b = new byte[len];
                random.nextBytes(b);
                assertEquals(GUAVA.hashBytes(b).asLong(), KeyHash.MURMUR3.hashBytes(b), "length " + len);
            }
        }
    }

    @Test
    void murmur3EqualsGuavaForRandomStringsIncludingUnpairedSurrogates() {
        for (int i = 0; i < 20_000; i++) {
            String s = randomString(random.nextInt(0, 60));
            assertEquals(GUAVA.hashString(s, StandardCharsets.UTF_8).asLong(), KeyHash.MURMUR3.hashString(s), () -> "string " + escape(s));
        }
    }

    @Test
    void murmur3AsciiFastPathAndItsFallbackEqualGuava() {
        // Pure ASCII of every length up to 100, then ASCII runs broken by one non-ASCII char at every position:
        // the fast path must hand over to the general one at any block boundary without changing the result.
        for (int len = 0; len <= 100; len++) {
            StringBuilder ascii = new StringBuilder();
            for (int i = 0; i < len; i++) ascii.append((char) random.nextInt(0, 0x80));
            String s = ascii.toString();
            assertEquals(GUAVA.hashString(s, StandardCharsets.UTF_8).asLong(), KeyHash.MURMUR3.hashString(s), "ascii length " + len);
            for (int at = 0; at < len; at++) {
                for (char odd : new char[] {'\u00e9', '\u65e5', '\ud83d', (char) 0x80}) {
                    String mixed = s.substring(0, at) + odd + s.substring(at + 1);
                    assertEquals(GUAVA.hashString(mixed, StandardCharsets.UTF_8).asLong(), KeyHash.MURMUR3.hashString(mixed),
                            () -> "non-ASCII at " + escape(mixed));
                }
            }
        }
    }

    @Test
    void murmur3OfUuidIsTheHashOfItsSixteenBigEndianBytes() {
        for (int i = 0; i < 10_000; i++) {
            UUID u = new UUID(random.nextLong(), random.nextLong());
            byte[] b = ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits()).array();
            assertEquals(GUAVA.hashBytes(b).asLong(), KeyHash.MURMUR3.hashUuid(u));
        }
    }

    @Test
    void fnv1a32EqualsAPlainReferenceOnEveryKeyType() {
        for (int i = 0; i < 20_000; i++) {
            long v = random.nextLong();
            assertEquals(fnv(ByteBuffer.allocate(8).putLong(v).array()), KeyHash.FNV1A32.hashLong(v));
            String s = randomString(random.nextInt(0, 40));
            assertEquals(fnv(s.getBytes(StandardCharsets.UTF_8)), KeyHash.FNV1A32.hashString(s), () -> escape(s));
            UUID u = new UUID(random.nextLong(), random.nextLong());
            assertEquals(fnv(ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits()).array()),
                    KeyHash.FNV1A32.hashUuid(u));
        }
    }

    @Test
    void fnv1a32MatchesPublishedVectors() {
        // From the FNV reference test suite (draft-eastlake-fnv): FNV-1a 32 of "", "a" and "foobar".
        assertEquals(0x811c9dc5L, KeyHash.FNV1A32.hashString(""));
        assertEquals(0xe40c292cL, KeyHash.FNV1A32.hashString("a"));
        assertEquals(0xbf9cf968L, KeyHash.FNV1A32.hashString("foobar"));
    }

    /**
     * The Go function services already run: {@code h := fnv.New32a(); binary.Write(h, binary.BigEndian, userID);
     * return int(h.Sum32()) % numShards}. Modulo over fnv1a32 must give the same shard for every id and count.
     */
    @Test
    void moduloFnv1a32RoutesLikeTheGoFunction() {
        for (int numShards : new int[] {1, 2, 3, 7, 16, 64, 1000}) {
            List<ShardId> shards = IntStream.range(0, numShards).mapToObj(i -> ShardId.of("s" + i)).toList();
            ModuloStrategy modulo = new ModuloStrategy(KeyHash.FNV1A32, shards);
            for (int i = 0; i < 5_000; i++) {
                long userId = i < 100 ? i - 50 : random.nextLong();
                assertEquals("s" + goGetShardForUser(userId, numShards), modulo.shardFor(userId).value(), "user " + userId);
            }
        }
        // Values worked out by hand from the FNV-1a definition, as the Go program computes them.
        ModuloStrategy sixteen = new ModuloStrategy(KeyHash.FNV1A32,
                IntStream.range(0, 16).mapToObj(i -> ShardId.of("s" + i)).toList());
        assertEquals("s" + (2615243109L % 16), sixteen.shardFor(0L).value());
        assertEquals("s" + (2598465490L % 16), sixteen.shardFor(1L).value());
    }

    @Test
    void intKeysRouteExactlyLikeTheSameLong() {
        for (int i = 0; i < 10_000; i++) {
            int v = random.nextInt();
            assertEquals(KeyHash.MURMUR3.hashLong(v), KeyHash.MURMUR3.hash(v));
            assertEquals(KeyHash.FNV1A32.hashLong(v), KeyHash.FNV1A32.hash(v));
        }
    }

    @Test
    void fnv1a32TokensAreUnsigned32Bit() {
        for (int i = 0; i < 10_000; i++) {
            long t = KeyHash.FNV1A32.hashLong(random.nextLong());
            assertTrue(t >= 0 && t < (1L << 32), "token " + t);
        }
    }

    @Test
    void unsupportedAndNullKeysAreRefusedByName() {
        ShardException e = assertThrows(ShardException.class, () -> KeyHash.MURMUR3.hash(1.5d));
        assertEquals(ShardException.Code.KEY, e.code());
        assertEquals("shard key of type java.lang.Double is not supported — use long, int, String, UUID, byte[] "
                + "or (for range strategies) Instant", e.getMessage());
        ShardException n = assertThrows(ShardException.class, () -> KeyHash.MURMUR3.hash(null));
        assertTrue(n.getMessage().startsWith("shard key is null"), n.getMessage());
        ShardException instant = assertThrows(ShardException.class, () -> KeyHash.MURMUR3.hash(java.time.Instant.EPOCH));
        assertTrue(instant.getMessage().contains("use a range strategy for instant keys"), instant.getMessage());
    }

    @Test
    void namesAreTheConfigNames() {
        assertEquals(KeyHash.MURMUR3, KeyHash.byName("murmur3"));
        assertEquals(KeyHash.FNV1A32, KeyHash.byName(" FNV1A32 "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KeyHash.byName("md5"));
        assertEquals("unknown hash 'md5' — use murmur3 or fnv1a32", e.getMessage());
    }

    private static int goGetShardForUser(long userId, int numShards) {
        byte[] bigEndian = ByteBuffer.allocate(8).putLong(userId).array();
        long sum32 = fnv(bigEndian);           // uint32
        return (int) (sum32 % numShards);      // int(...) on 64-bit Go is non-negative
    }

    private static long fnv(byte[] bytes) {
        long h = 0x811c9dc5L;
        for (byte b : bytes) {
            h = ((h ^ (b & 0xFF)) * 0x01000193L) & 0xFFFFFFFFL;
        }
        return h;
    }

    private String randomString(int length) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < length; i++) {
            switch (random.nextInt(6)) {
                case 0 -> sb.append((char) random.nextInt(0x20, 0x7F));
                case 1 -> sb.append((char) random.nextInt(0x80, 0x800));
                case 2 -> sb.append((char) random.nextInt(0x800, 0xD800));
                case 3 -> sb.appendCodePoint(random.nextInt(0x10000, 0x10FFFF));
                case 4 -> sb.append((char) random.nextInt(0xD800, 0xE000)); // lone surrogate
                default -> sb.append((char) random.nextInt(0xE000, 0x10000));
            }
        }
        return sb.toString();
    }

    private static String escape(String s) {
        StringBuilder sb = new StringBuilder();
        s.chars().forEach(c -> sb.append(String.format("\\u%04x", c)));
        return sb.toString();
    }
}
