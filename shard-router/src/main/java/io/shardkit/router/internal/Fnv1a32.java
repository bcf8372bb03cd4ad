package io.shardkit.router.internal;

/** FNV-1a, 32 bits (offset basis 0x811c9dc5, prime 0x01000193), as Go's {@code hash/fnv.New32a}. */
public final class Fnv1a32 {
    private static final int OFFSET = 0x811c9dc5;
    private static final int PRIME = 0x01000193;

    private Fnv1a32() {
    }

    /** The hash of the 8 big-endian bytes of {@code value}, as {@code binary.Write(h, binary.BigEndian, int64)}. */
    public static int hashLongBigEndian(long value) {
        int h = OFFSET;
        for (int shift = 56; shift >= 0; shift -= 8) {
            h = (h ^ ((int) (value >>> shift) & 0xFF)) * PRIME;
        }
        return h;
    }

    public static int hashTwoLongsBigEndian(long hi, long lo) {
        int h = OFFSET;
        for (int shift = 56; shift >= 0; shift -= 8) {
            h = (h ^ ((int) (hi >>> shift) & 0xFF)) * PRIME;
        }
        for (int shift = 56; shift >= 0; shift -= 8) {
            h = (h ^ ((int) (lo >>> shift) & 0xFF)) * PRIME;
        }
        return h;
    }

    public static int hashBytes(byte[] bytes) {
        int h = OFFSET;
        for (byte b : bytes) {
            h = (h ^ (b & 0xFF)) * PRIME;
        }
        return h;
    }

    public static int hashUtf8(CharSequence s) {
        int h = OFFSET;
        int n = s.length();
        for (int i = 0; i < n; ) {
            long enc = Utf8.encode(s, i);
            i += Utf8.charsConsumed(enc);
            int count = Utf8.byteCount(enc);
            for (int b = 0; b < count; b++) {
                h = (h ^ Utf8.byteAt(enc, b)) * PRIME;
            }
        }
        return h;
    }
}
