package io.shardkit.move.verify;

import io.shardkit.move.copy.KeysetPages;
import io.shardkit.move.copy.TableInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jooq.Record;
import org.jooq.Result;

/**
 * Compares a table on two databases in primary-key chunks: a chunk is the source's next rows, and the target's rows
 * with keys in the same range. Rows are compared by {@link Canonical} text, so values that differ only in how a
 * database writes them are not mismatches; every differing key is reported.
 */
public final class ShardDiff {
    private ShardDiff() {
    }

    /** Compares each table of {@code tables} read by {@code source.apply(t)} and {@code target.apply(t)}. */
    public static DiffReport compare(List<TableInfo> tables, java.util.function.Function<TableInfo, KeysetPages> source,
                                     java.util.function.Function<TableInfo, KeysetPages> target, int chunk) {
        Map<String, Long> compared = new LinkedHashMap<>();
        List<Mismatch> mismatches = new ArrayList<>();
        for (TableInfo t : tables) compared.put(t.name(), table(t, source.apply(t), target.apply(t), chunk, mismatches));
        return new DiffReport(compared, mismatches);
    }

    private static long table(TableInfo t, KeysetPages source, KeysetPages target, int chunk, List<Mismatch> out) {
        long rows = 0;
        Object[] after = null;
        while (true) {
            Result<Record> mine = source.page(after, chunk);
            if (mine.isEmpty()) {
                // whatever the target holds past the source's last key is extra
                for (Result<Record> rest = target.page(after, chunk); !rest.isEmpty(); rest = target.page(after, chunk)) {
                    for (Record r : rest) out.add(mismatch(t, target.keyOf(r), Mismatch.Kind.EXTRA_ON_TARGET));
                    after = target.keyOf(rest.get(rest.size() - 1));
                }
                return rows;
            }
            Object[] last = source.keyOf(mine.get(mine.size() - 1));
            Result<Record> theirs = target.between(after, last);
            compareChunk(t, source, target, mine, theirs, out);
            rows += mine.size();
            after = last;
        }
    }

    static void compareChunk(TableInfo t, KeysetPages source, KeysetPages target, Result<Record> mine,
                                     Result<Record> theirs, List<Mismatch> out) {
        Map<String, Record> left = rows(source, mine);
        Map<String, Record> right = rows(target, theirs);
        for (var e : left.entrySet()) {
            Record other = right.get(e.getKey());
            if (other == null) out.add(mismatch(t, source.keyOf(e.getValue()), Mismatch.Kind.MISSING_ON_TARGET));
            else if (!same(e.getValue(), other)) out.add(mismatch(t, source.keyOf(e.getValue()), Mismatch.Kind.DIFFERENT));
        }
        for (var e : right.entrySet()) {
            if (!left.containsKey(e.getKey())) out.add(mismatch(t, target.keyOf(e.getValue()), Mismatch.Kind.EXTRA_ON_TARGET));
        }
    }

    /**
     * Reads each mismatched row again on both sides, {@code rounds} times at most, {@code pause} apart, and returns
     * those that still differ: while replication applies, a row written a moment ago differs only until it arrives.
     */
    public static List<Mismatch> recheck(List<Mismatch> mismatches, java.util.function.Function<String, KeysetPages> source,
                                         java.util.function.Function<String, KeysetPages> target, int rounds,
                                         java.time.Duration pause) throws InterruptedException {
        List<Mismatch> left = mismatches;
        for (int round = 0; round < rounds && !left.isEmpty(); round++) {
            Thread.sleep(pause.toMillis());
            List<Mismatch> still = new ArrayList<>();
            for (Mismatch m : left) {
                Object[] key = m.values().toArray();
                Record mine = source.apply(m.table()).row(key);
                Record theirs = target.apply(m.table()).row(key);
                boolean equal = mine == null ? theirs == null : theirs != null && same(mine, theirs);
                if (!equal) still.add(m);
            }
            left = still;
        }
        return left;
    }

    static boolean same(Record a, Record b) {
        return Canonical.row(a.intoArray()).equals(Canonical.row(b.intoArray()));
    }

    private static Map<String, Record> rows(KeysetPages pages, Result<Record> rows) {
        Map<String, Record> byKey = new TreeMap<>();
        for (Record r : rows) byKey.put(Canonical.row(pages.keyOf(r)), r);
        return byKey;
    }

    static Mismatch mismatch(TableInfo t, Object[] key, Mismatch.Kind kind) {
        return new Mismatch(t.name(), Arrays.stream(key).map(Canonical::of).toList(), kind, Arrays.asList(key));
    }
}
