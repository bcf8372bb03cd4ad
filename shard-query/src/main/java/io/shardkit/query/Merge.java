package io.shardkit.query;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.Predicate;
import org.jooq.SQLDialect;

/**
 * Turns the shards' rows (arrays of column values, each shard's stream sorted as the query asks) into the rows one
 * database would return. Plain queries stream: a k-way merge holds one row per shard. Grouped queries hold one
 * partial state per group.
 */
final class Merge {
    private Merge() {
    }

    /** The merged rows of a plain (not grouped) query; hidden sort columns are still present. */
    static Iterator<Object[]> plain(QueryShape shape, SqlOrdering ordering, List<? extends Iterator<Object[]>> shards) {
        Iterator<Object[]> merged = shape.orderBy.isEmpty() ? concat(shards) : sorted(shards, ordering.rows(shape.orderBy));
        if (shape.distinct) merged = distinct(merged, shape.outputs.size());
        return window(merged, shape.offset, shape.limit);
    }

    /** The rows of a grouped query: partial groups combined, HAVING applied, then ORDER BY, OFFSET and LIMIT. */
    static Iterator<Object[]> grouped(QueryShape shape, SqlOrdering ordering, SQLDialect dialect,
                                      List<? extends Iterator<Object[]>> shards, Predicate<Object[]> having,
                                      List<Boolean> smallIntegerAverages) {
        int keys = shape.groupBy.size();
        List<QueryShape.Aggregate> kinds = shape.aggregates().stream().map(QueryShape::kind).toList();
        Map<List<Object>, PartialAggregate[]> groups = new LinkedHashMap<>();
        for (Iterator<Object[]> shard : shards) {
            while (shard.hasNext()) {
                Object[] row = shard.next();
                List<Object> key = new ArrayList<>(keys);
                for (int i = 0; i < keys; i++) key.add(GroupKey.normalize(row[i]));
                PartialAggregate[] parts = groups.computeIfAbsent(key, k -> {
                    PartialAggregate[] p = new PartialAggregate[kinds.size()];
                    for (int i = 0; i < p.length; i++) {
                        p[i] = new PartialAggregate(kinds.get(i), ordering, dialect, smallIntegerAverages.get(i));
                    }
                    return p;
                });
                int at = keys;
                for (PartialAggregate p : parts) {
                    p.add(row, at);
                    at += p.width();
                }
            }
        }
        // One row per group, laid out as the final select list followed by aggregates only HAVING uses.
        List<Object[]> rows = new ArrayList<>(groups.size());
        int selectedAggregates = (int) shape.outputs.stream().filter(QueryShape.Output::isAggregate).count();
        groups.forEach((key, parts) -> {
            Object[] row = new Object[shape.outputs.size() + parts.length - selectedAggregates];
            int aggregate = 0;
            for (int i = 0; i < shape.outputs.size(); i++) {
                QueryShape.Output o = shape.outputs.get(i);
                row[i] = o.isAggregate() ? parts[aggregate++].result() : key.get(groupIndex(shape, o));
            }
            for (int i = selectedAggregates; i < parts.length; i++) {
                row[shape.outputs.size() + i - selectedAggregates] = parts[i].result();
            }
            if (having == null || having.test(row)) rows.add(row);
        });
        if (!shape.orderBy.isEmpty()) rows.sort(ordering.rows(shape.orderBy));
        Iterator<Object[]> it = rows.iterator();
        if (shape.distinct) it = distinct(it, shape.outputs.size());
        return window(it, shape.offset, shape.limit);
    }

    private static int groupIndex(QueryShape shape, QueryShape.Output o) {
        for (int i = 0; i < shape.groupBy.size(); i++) {
            if (QueryShape.same(shape.groupBy.get(i), o.field())) return i;
        }
        throw new IllegalStateException("not grouped: " + o.field());
    }

    private static Iterator<Object[]> concat(List<? extends Iterator<Object[]>> shards) {
        return new Iterator<>() {
            int i;

            @Override
            public boolean hasNext() {
                while (i < shards.size()) {
                    if (shards.get(i).hasNext()) return true;
                    i++;
                }
                return false;
            }

            @Override
            public Object[] next() {
                if (!hasNext()) throw new NoSuchElementException();
                return shards.get(i).next();
            }
        };
    }

    /** K-way merge: one head row per shard in a heap; ties keep shard order, so the merge is deterministic. */
    private static Iterator<Object[]> sorted(List<? extends Iterator<Object[]>> shards, java.util.Comparator<Object[]> order) {
        record Head(Object[] row, int shard) {
        }
        PriorityQueue<Head> heap = new PriorityQueue<>(Math.max(1, shards.size()),
                (a, b) -> {
                    int c = order.compare(a.row(), b.row());
                    return c != 0 ? c : Integer.compare(a.shard(), b.shard());
                });
        return new Iterator<>() {
            boolean started;

            private void start() {
                if (started) return;
                started = true;
                for (int i = 0; i < shards.size(); i++) {
                    if (shards.get(i).hasNext()) heap.add(new Head(shards.get(i).next(), i));
                }
            }

            @Override
            public boolean hasNext() {
                start();
                return !heap.isEmpty();
            }

            @Override
            public Object[] next() {
                if (!hasNext()) throw new NoSuchElementException();
                Head h = heap.poll();
                Iterator<Object[]> from = shards.get(h.shard());
                if (from.hasNext()) heap.add(new Head(from.next(), h.shard()));
                return h.row();
            }
        };
    }

    private static Iterator<Object[]> distinct(Iterator<Object[]> rows, int width) {
        Set<List<Object>> seen = new HashSet<>();
        return filter(rows, row -> {
            List<Object> key = new ArrayList<>(width);
            for (int i = 0; i < width; i++) key.add(GroupKey.normalize(row[i]));
            return seen.add(key);
        });
    }

    private static Iterator<Object[]> window(Iterator<Object[]> rows, long offset, Long limit) {
        return new Iterator<>() {
            long skipped;
            long returned;

            @Override
            public boolean hasNext() {
                while (skipped < offset && rows.hasNext()) {
                    rows.next();
                    skipped++;
                }
                return (limit == null || returned < limit) && rows.hasNext();
            }

            @Override
            public Object[] next() {
                if (!hasNext()) throw new NoSuchElementException();
                returned++;
                return rows.next();
            }
        };
    }

    private static Iterator<Object[]> filter(Iterator<Object[]> rows, Predicate<Object[]> keep) {
        return new Iterator<>() {
            Object[] next;

            @Override
            public boolean hasNext() {
                while (next == null && rows.hasNext()) {
                    Object[] r = rows.next();
                    if (keep.test(r)) next = r;
                }
                return next != null;
            }

            @Override
            public Object[] next() {
                if (!hasNext()) throw new NoSuchElementException();
                Object[] r = next;
                next = null;
                return r;
            }
        };
    }

    /** Values as SQL groups and de-duplicates them: 1.0 and 1.00 are one value; byte arrays by content. */
    static final class GroupKey {
        private GroupKey() {
        }

        static Object normalize(Object v) {
            return switch (v) {
                case null -> null;
                case BigDecimal d -> d.signum() == 0 ? BigDecimal.ZERO : d.stripTrailingZeros();
                case byte[] b -> java.nio.ByteBuffer.wrap(b);
                case Double d -> d == 0.0 ? 0.0 : d; // -0.0 groups with 0.0
                default -> v;
            };
        }
    }

}
