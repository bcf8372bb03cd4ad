package io.shardkit.router.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * MurmurHash3 x64 128-bit, seed 0, returning the first 64 bits — bit for bit what Guava's
 * {@code Hashing.murmur3_128().hashBytes(b).asLong()} gives, but with no allocation for any input.
 */
public final class Murmur3 {
    private static final long C1 = 0x87c37b91114253d5L;
    private static final long C2 = 0x4cf5ad432745937fL;
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private Murmur3() {
    }

    /** Same as hashing the 8 little-endian bytes of {@code value}. */
    public static long hashLong(long value) {
        long h1 = mixK1(value);
        return finish(h1, 0, 8);
    }

    /** Same as hashing the 16 bytes {@code hi} big-endian then {@code lo} big-endian (a UUID's RFC 4122 bytes). */
    public static long hashTwoLongsBigEndian(long hi, long lo) {
        long h1 = mixH1(0, 0, Long.reverseBytes(hi));
        long h2 = mixH2(0, h1, Long.reverseBytes(lo));
        return finish(h1, h2, 16);
    }

    public static long hashBytes(byte[] bytes) {
        long h1 = 0;
        long h2 = 0;
        int len = bytes.length;
        int blocks = len & ~15;
        for (int i = 0; i < blocks; i += 16) {
            h1 = mixH1(h1, h2, (long) LONG_LE.get(bytes, i));
            h2 = mixH2(h2, h1, (long) LONG_LE.get(bytes, i + 8));
        }
        long k1 = 0;
        long k2 = 0;
        for (int i = blocks; i < len; i++) {
            int fill = i - blocks;
            long v = bytes[i] & 0xFFL;
            if (fill < 8) k1 |= v << (fill << 3);
            else k2 |= v << ((fill - 8) << 3);
        }
        h1 ^= mixK1(k1);
        h2 ^= mixK2(k2);
        return finish(h1, h2, len);
    }

    /** Hashes the UTF-8 encoding of {@code s} as {@code String.getBytes(UTF_8)} would produce it. */
    public static long hashUtf8(CharSequence s) {
        // Fast path while the text is ASCII (one byte per char): whole 16-byte blocks, then the tail.
        int n = s.length();
        long h1 = 0;
        long h2 = 0;
        int i = 0;
        for (; i + 16 <= n; i += 16) {
            long k1 = ascii8(s, i);
            long k2 = ascii8(s, i + 8);
            if ((k1 | k2) < 0) {
                return hashUtf8From(s, i, h1, h2);
            }
            h1 = mixH1(h1, h2, k1);
            h2 = mixH2(h2, h1, k2);
        }
        long k1 = 0;
        long k2 = 0;
        int seen = 0;
        for (int j = i; j < n; j++) {
            int c = s.charAt(j);
            seen |= c;
            int fill = j - i;
            if (fill < 8) k1 |= (long) c << (fill << 3);
            else k2 |= (long) c << ((fill - 8) << 3);
        }
        if (seen >= 0x80) {
            return hashUtf8From(s, i, h1, h2);
        }
        h1 ^= mixK1(k1);
        h2 ^= mixK2(k2);
        return finish(h1, h2, n);
    }

    /** Eight ASCII chars as eight little-endian bytes, or -1 when any of them is not ASCII. */
    private static long ascii8(CharSequence s, int from) {
        long v = 0;
        int seen = 0;
        for (int j = 0; j < 8; j++) {
            int c = s.charAt(from + j);
            seen |= c;
            v |= (long) c << (j << 3);
        }
        return seen < 0x80 ? v : -1;
    }

    /** The general path, from {@code start} (a block boundary reached with {@code h1}, {@code h2}). */
    private static long hashUtf8From(CharSequence s, int start, long h1, long h2) {
        long k1 = 0;
        long k2 = 0;
        int fill = 0;
        long len = start; // everything before start was ASCII: one byte per char
        int n = s.length();
        for (int i = start; i < n; ) {
            long enc = Utf8.encode(s, i);
            i += Utf8.charsConsumed(enc);
            int count = Utf8.byteCount(enc);
            for (int b = 0; b < count; b++) {
                long v = Utf8.byteAt(enc, b);
                if (fill < 8) k1 |= v << (fill << 3);
                else k2 |= v << ((fill - 8) << 3);
                if (++fill == 16) {
                    h1 = mixH1(h1, h2, k1);
                    h2 = mixH2(h2, h1, k2);
                    k1 = 0;
                    k2 = 0;
                    fill = 0;
                }
            }
            len += count;
        }
        h1 ^= mixK1(k1);
        h2 ^= mixK2(k2);
        return finish(h1, h2, len);
    }

    /** The first half of one 16-byte block's mixing: the new h1. */
    private static long mixH1(long h1, long h2, long k1) {
        h1 ^= mixK1(k1);
        h1 = Long.rotateLeft(h1, 27) + h2;
        return h1 * 5 + 0x52dce729;
    }

    /** The second half, given the new h1: the new h2. */
    private static long mixH2(long h2, long h1, long k2) {
        h2 ^= mixK2(k2);
        h2 = Long.rotateLeft(h2, 31) + h1;
        return h2 * 5 + 0x38495ab5;
    }

    private static long finish(long h1, long h2, long len) {
        h1 ^= len;
        h2 ^= len;
        h1 += h2;
        h2 += h1;
        h1 = fmix64(h1);
        h2 = fmix64(h2);
        return h1 + h2;
    }

    private static long mixK1(long k1) {
        k1 *= C1;
        k1 = Long.rotateLeft(k1, 31);
        return k1 * C2;
    }

    private static long mixK2(long k2) {
        k2 *= C2;
        k2 = Long.rotateLeft(k2, 33);
        return k2 * C1;
    }

    private static long fmix64(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }
}
