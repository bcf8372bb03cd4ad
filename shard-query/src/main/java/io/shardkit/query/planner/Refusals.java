package io.shardkit.query.planner;

import io.shardkit.query.UnsupportedFanOutException;

/** Refusals, each naming the construct on one line and saying what to do instead. */
final class Refusals {
    static final String SUBQUERY_REMEDY = "it would run per shard and see only that shard's rows; if its rows always live"
            + " on the same shard as the outer row, say so with assumeColocated()";

    private Refusals() {
    }

    /** jOOQ's {@code toString()} of a query part is formatted SQL over several lines: the construct is named on one. */
    static UnsupportedFanOutException refused(String construct, String what) {
        return new UnsupportedFanOutException(construct.replaceAll("\\s+", " ").trim(), what);
    }

    static UnsupportedFanOutException subquery(String where) {
        return refused("a subquery" + where, SUBQUERY_REMEDY);
    }

    static UnsupportedFanOutException notAllowed(String construct) {
        return refused(construct, "Shardkit merges only constructs whose cross-shard answer it has proven exact (see the"
                + " README's merge table); run it per shard with forEachShard and combine the values yourself");
    }
}
