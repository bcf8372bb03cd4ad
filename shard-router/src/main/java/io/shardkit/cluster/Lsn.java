package io.shardkit.cluster;

/** PostgreSQL WAL positions ({@code pg_lsn}, e.g. {@code 16/B374D848}) as comparable longs. */
final class Lsn {
    private Lsn() {
    }

    static long parse(String text) {
        if (text == null) return -1;
        int slash = text.indexOf('/');
        if (slash < 0) throw new IllegalArgumentException("not a WAL position: '" + text + "' — expected like 16/B374D848");
        return Long.parseLong(text, 0, slash, 16) << 32 | Long.parseLong(text, slash + 1, text.length(), 16);
    }

    static String format(long lsn) {
        return Long.toHexString(lsn >>> 32).toUpperCase() + "/" + Long.toHexString(lsn & 0xFFFFFFFFL).toUpperCase();
    }
}
