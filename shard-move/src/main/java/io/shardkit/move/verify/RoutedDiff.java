package io.shardkit.move.verify;

import io.shardkit.move.copy.KeysetPages;
import io.shardkit.move.copy.TableInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.jooq.Record;
import org.jooq.Result;

/**
 * Compares one source with several targets that each should hold the source rows routed to them (an import): a chunk
 * is the source's next rows in key order, split by target; each target's rows with keys in the same range are
 * compared with its part by {@link Canonical} text. A row on the wrong target is extra there and missing on the
 * right one; every differing key is reported.
 */
public final class RoutedDiff {
    private RoutedDiff() {
    }

    /**
     * @param targets per target (e.g. a shard's place), how to read a table there
     * @param route   the target a source row belongs to
     * @return per target, what was compared and every mismatch
     */
    public static <P> Map<P, DiffReport> compare(List<TableInfo> tables, Function<TableInfo, KeysetPages> source,
                                                 Map<P, Function<TableInfo, KeysetPages>> targets,
                                                 BiFunction<TableInfo, Record, P> route, int chunk) {
        Map<P, Map<String, Long>> compared = new LinkedHashMap<>();
        Map<P, List<Mismatch>> mismatches = new LinkedHashMap<>();
        for (P p : targets.keySet()) {
            compared.put(p, new LinkedHashMap<>());
            mismatches.put(p, new ArrayList<>());
        }
        for (TableInfo t : tables) {
            KeysetPages from = source.apply(t);
            Map<P, KeysetPages> to = new LinkedHashMap<>();
            targets.forEach((p, pages) -> to.put(p, pages.apply(t)));
            to.keySet().forEach(p -> compared.get(p).put(t.name(), 0L));
            Object[] after = null;
            while (true) {
                Result<Record> mine = from.page(after, chunk);
                if (mine.isEmpty()) {
                    for (var e : to.entrySet()) extraAfter(t, e.getValue(), after, chunk, mismatches.get(e.getKey()));
                    break;
                }
                Map<P, List<Record>> parts = new LinkedHashMap<>();
                for (Record r : mine) {
                    P p = route.apply(t, r);
                    if (!to.containsKey(p)) throw new IllegalArgumentException("a row of " + t.name() + " routes to " + p + ", which is not compared");
                    parts.computeIfAbsent(p, x -> new ArrayList<>()).add(r);
                }
                Object[] last = from.keyOf(mine.get(mine.size() - 1));
                for (var e : to.entrySet()) {
                    List<Record> part = parts.getOrDefault(e.getKey(), List.of());
                    chunk(t, from, e.getValue(), part, e.getValue().between(after, last), mismatches.get(e.getKey()));
                    compared.get(e.getKey()).merge(t.name(), (long) part.size(), Long::sum);
                }
                after = last;
            }
        }
        Map<P, DiffReport> reports = new LinkedHashMap<>();
        for (P p : targets.keySet()) reports.put(p, new DiffReport(compared.get(p), mismatches.get(p)));
        return reports;
    }

    /** Whatever a target holds past the source's last key is extra. */
    private static void extraAfter(TableInfo t, KeysetPages target, Object[] after, int chunk, List<Mismatch> out) {
        for (Result<Record> rest = target.page(after, chunk); !rest.isEmpty(); rest = target.page(after, chunk)) {
            for (Record r : rest) out.add(mismatch(t, target.keyOf(r), Mismatch.Kind.EXTRA_ON_TARGET));
            after = target.keyOf(rest.get(rest.size() - 1));
        }
    }

    private static void chunk(TableInfo t, KeysetPages source, KeysetPages target, List<Record> mine,
                              List<Record> theirs, List<Mismatch> out) {
        Map<String, Record> left = byKey(source, mine);
        Map<String, Record> right = byKey(target, theirs);
        for (var e : left.entrySet()) {
            Record other = right.get(e.getKey());
            if (other == null) {
                out.add(mismatch(t, source.keyOf(e.getValue()), Mismatch.Kind.MISSING_ON_TARGET));
            } else if (!Canonical.row(e.getValue().intoArray()).equals(Canonical.row(other.intoArray()))) {
                out.add(mismatch(t, source.keyOf(e.getValue()), Mismatch.Kind.DIFFERENT));
            }
        }
        for (var e : right.entrySet()) {
            if (!left.containsKey(e.getKey())) out.add(mismatch(t, target.keyOf(e.getValue()), Mismatch.Kind.EXTRA_ON_TARGET));
        }
    }

    private static Map<String, Record> byKey(KeysetPages pages, List<Record> rows) {
        Map<String, Record> byKey = new TreeMap<>();
        for (Record r : rows) byKey.put(Canonical.row(pages.keyOf(r)), r);
        return byKey;
    }

    private static Mismatch mismatch(TableInfo t, Object[] key, Mismatch.Kind kind) {
        return new Mismatch(t.name(), Arrays.stream(key).map(Canonical::of).toList(), kind, Arrays.asList(key));
    }
}
