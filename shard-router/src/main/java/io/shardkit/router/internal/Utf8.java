package io.shardkit.router.internal;

/**
 * Encodes one character (or surrogate pair) of a string to UTF-8 without allocating, exactly as
 * {@code String.getBytes(UTF_8)} does: an unpaired surrogate becomes {@code '?'}.
 */
public final class Utf8 {
    private Utf8() {
    }

    /**
     * The UTF-8 bytes of the character at {@code i}, packed into one long: bytes in bits 0..31 (first byte
     * lowest), the byte count in bits 32..39 and the number of chars consumed (1 or 2) in bits 40..47.
     */
    public static long encode(CharSequence s, int i) {
        char c = s.charAt(i);
        if (c < 0x80) {
            return c | 1L << 32 | 1L << 40;
        }
        if (c < 0x800) {
            return (0xC0 | c >> 6) | (0x80 | c & 0x3F) << 8 | 2L << 32 | 1L << 40;
        }
        if (Character.isSurrogate(c)) {
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(i + 1));
                long packed = (0xF0 | cp >> 18) | (0x80 | cp >> 12 & 0x3F) << 8 | (0x80 | cp >> 6 & 0x3F) << 16
                        | (long) (0x80 | cp & 0x3F) << 24;
                return packed | 4L << 32 | 2L << 40;
            }
            return '?' | 1L << 32 | 1L << 40;
        }
        return (0xE0 | c >> 12) | (0x80 | c >> 6 & 0x3F) << 8 | (0x80 | c & 0x3F) << 16 | 3L << 32 | 1L << 40;
    }

    public static int byteCount(long encoded) {
        return (int) (encoded >>> 32) & 0xFF;
    }

    public static int charsConsumed(long encoded) {
        return (int) (encoded >>> 40) & 0xFF;
    }

    public static int byteAt(long encoded, int n) {
        return (int) (encoded >>> (n << 3)) & 0xFF;
    }
}
