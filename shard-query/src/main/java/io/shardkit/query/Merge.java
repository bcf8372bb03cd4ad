package io.shardkit.query;

import io.shardkit.query.planner.QueryShape;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;

/**
 * Turns the shards' rows (arrays of column values, each shard's stream sorted as the query asks) into the rows one
 * database would return, streaming: a k-way merge holds one row per shard. (Grouped and DISTINCT queries are merged by
 * a database: {@link DatabaseMerge}.)
 */
final class Merge {
    private Merge() {
    }

    /** The merged rows of a streamed query; hidden sort columns are still present. */
    static Iterator<Object[]> streamed(QueryShape shape, SqlOrdering ordering, List<? extends Iterator<Object[]>> shards) {
        Iterator<Object[]> merged = shape.orderBy().isEmpty() ? concat(shards) : sorted(shards, ordering.rows(shape.orderBy()));
        return window(merged, shape.offset(), shape.limit());
    }

    /** One row: each column the sum of the shards' counts. */
    static Iterator<Object[]> counts(int columns, List<? extends Iterator<Object[]>> shards) {
        long[] sums = new long[columns];
        for (Iterator<Object[]> shard : shards) {
            while (shard.hasNext()) {
                Object[] row = shard.next();
                for (int i = 0; i < columns; i++) sums[i] = Math.addExact(sums[i], ((Number) row[i]).longValue());
            }
        }
        Object[] row = new Object[columns];
        for (int i = 0; i < columns; i++) row[i] = sums[i];
        return List.<Object[]>of(row).iterator();
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
}
