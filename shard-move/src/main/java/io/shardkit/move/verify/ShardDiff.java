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
                    for (Record r : rest) out.add(new Mismatch(t.name(), text(target.keyOf(r)), Mismatch.Kind.EXTRA_ON_TARGET));
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

    private static void compareChunk(TableInfo t, KeysetPages source, KeysetPages target, Result<Record> mine,
                                     Result<Record> theirs, List<Mismatch> out) {
        Map<String, String> left = rows(source, mine);
        Map<String, String> right = rows(target, theirs);
        if (left.equals(right)) return;
        for (var e : left.entrySet()) {
            String other = right.get(e.getKey());
            if (other == null) out.add(new Mismatch(t.name(), split(e.getKey()), Mismatch.Kind.MISSING_ON_TARGET));
            else if (!other.equals(e.getValue())) out.add(new Mismatch(t.name(), split(e.getKey()), Mismatch.Kind.DIFFERENT));
        }
        for (String k : right.keySet()) {
            if (!left.containsKey(k)) out.add(new Mismatch(t.name(), split(k), Mismatch.Kind.EXTRA_ON_TARGET));
        }
    }

    private static Map<String, String> rows(KeysetPages pages, Result<Record> rows) {
        Map<String, String> byKey = new TreeMap<>();
        for (Record r : rows) byKey.put(Canonical.row(pages.keyOf(r)), Canonical.row(r.intoArray()));
        return byKey;
    }

    private static List<String> text(Object[] key) {
        return Arrays.stream(key).map(Canonical::of).toList();
    }

    private static List<String> split(String canonicalKey) {
        return Arrays.asList(canonicalKey.substring(0, canonicalKey.length() - 1).split("\u0001", -1));
    }
}
