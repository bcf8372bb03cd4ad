package io.shardkit.move.verify;

import io.shardkit.move.copy.TableInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.jooq.Record;
import org.jooq.Result;

/**
 * One table verified chunk by chunk in primary-key order. A chunk ends at the source's {@code chunk}-th key after the
 * previous chunk; the last chunk is open-ended, so it also holds the target's rows past the source's last key. With
 * SQL hashes a chunk costs one key query and one hash query per side; a chunk whose hashes differ is halved (at the
 * middle key of the side with more rows) until a half holds at most {@code leaf} rows on each side, whose rows are
 * then read and compared in Java. Without SQL hashes every chunk's rows are read and compared in Java.
 */
final class TableWalk {
    /** A chunk verified: its last source key (null for the table's last chunk), source rows, what differs. */
    interface ChunkDone {
        void accept(Object[] last, long rows, List<Mismatch> found, boolean bisected);
    }

    private final TableInfo table;
    private final Side source;
    private final Side target;
    private final boolean sqlHashes;
    private final int chunk;
    private final int leaf;
    private final Executor targetSide;

    /** @param targetSide runs the target's hash queries while the source computes its own (direct: one after the other) */
    TableWalk(TableInfo table, Side source, Side target, boolean sqlHashes, int chunk, int leaf, Executor targetSide) {
        this.targetSide = targetSide;
        this.table = table;
        this.source = source;
        this.target = target;
        this.sqlHashes = sqlHashes;
        this.chunk = chunk;
        this.leaf = leaf;
    }

    /** Verifies the chunks after {@code after} (null: from the first key), reporting each to {@code done}. */
    void run(Object[] after, ChunkDone done) {
        while (true) {
            Object[] last = source.keyAt(after, null, chunk);
            List<Mismatch> found = new ArrayList<>();
            long rows;
            boolean bisected = false;
            if (sqlHashes) {
                ChunkHash[] both = hashes(after, last);
                ChunkHash mine = both[0];
                ChunkHash theirs = both[1];
                rows = mine.rows();
                if (!mine.sameAs(theirs)) {
                    bisected = true;
                    bisect(after, last, mine, theirs, found);
                }
            } else {
                rows = compareInJava(after, last, found);
                bisected = !found.isEmpty();
            }
            done.accept(last, rows, found, bisected);
            if (last == null) return;
            after = last;
        }
    }

    private void bisect(Object[] after, Object[] last, ChunkHash mine, ChunkHash theirs, List<Mismatch> found) {
        if (mine.sameAs(theirs)) return;
        long larger = Math.max(mine.rows(), theirs.rows());
        if (larger <= leaf) {
            compareRows(after, last, found);
            return;
        }
        // the side with more rows orders its own keys, so each half holds fewer of them: the halving ends
        Side bigger = mine.rows() >= theirs.rows() ? source : target;
        Object[] middle = bigger.keyAt(after, last, larger / 2);
        if (middle == null) { // rows deleted since they were counted: compare what is there now
            compareRows(after, last, found);
            return;
        }
        // both halves are hashed on both sides, not derived by subtraction: with collations that order keys
        // differently, the target's halves need not add up to its whole
        ChunkHash[] left = hashes(after, middle);
        ChunkHash[] right = hashes(middle, last);
        bisect(after, middle, left[0], left[1], found);
        bisect(middle, last, right[0], right[1], found);
    }

    /** The range's hash on the source and on the target, computed by both databases at once. */
    private ChunkHash[] hashes(Object[] after, Object[] last) {
        CompletableFuture<ChunkHash> theirs = CompletableFuture.supplyAsync(() -> target.hash(after, last), targetSide);
        ChunkHash mine;
        try {
            mine = source.hash(after, last);
        } catch (RuntimeException e) {
            try {
                theirs.join(); // never leave the target's query running behind the caller's back
            } catch (CompletionException alsoFailed) {
                e.addSuppressed(alsoFailed.getCause());
            }
            throw e;
        }
        try {
            return new ChunkHash[] {mine, theirs.join()};
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /** A whole chunk compared in Java; the last chunk's target rows past the source's last key read in pages. */
    private long compareInJava(Object[] after, Object[] last, List<Mismatch> found) {
        if (last != null) return compareRows(after, last, found);
        Result<Record> rest = source.rows(after, null);
        long rows = rest.size();
        Object[] sourceLast = after;
        if (!rest.isEmpty()) {
            sourceLast = source.pages().keyOf(rest.get(rest.size() - 1));
            confirm(compared(rest, target.rows(after, sourceLast)), found);
        }
        for (Result<Record> extra = target.page(sourceLast, chunk); !extra.isEmpty();
             extra = target.page(sourceLast, chunk)) {
            List<Mismatch> raw = new ArrayList<>();
            for (Record r : extra) raw.add(ShardDiff.mismatch(table, target.pages().keyOf(r), Mismatch.Kind.EXTRA_ON_TARGET));
            confirm(raw, found);
            sourceLast = target.pages().keyOf(extra.get(extra.size() - 1));
        }
        return rows;
    }

    private long compareRows(Object[] after, Object[] last, List<Mismatch> found) {
        Result<Record> mine = source.rows(after, last);
        confirm(compared(mine, target.rows(after, last)), found);
        return mine.size();
    }

    private List<Mismatch> compared(Result<Record> mine, Result<Record> theirs) {
        List<Mismatch> raw = new ArrayList<>();
        ShardDiff.compareChunk(table, source.pages(), target.pages(), mine, theirs, raw);
        return raw;
    }

    /**
     * A row missing from a range on one side may sit in another range there, when the two sides order keys
     * differently (collations, a MariaDB uuid): such a key is looked up by equality on both sides before it counts.
     */
    private void confirm(List<Mismatch> raw, List<Mismatch> found) {
        for (Mismatch m : raw) {
            if (m.kind() == Mismatch.Kind.DIFFERENT || !orderMayDiffer(m.values())) {
                found.add(m);
                continue;
            }
            Object[] key = m.values().toArray();
            Record mine = source.row(key);
            Record theirs = target.row(key);
            if (mine == null && theirs == null) continue; // gone on both since: nothing to compare
            if (mine == null) found.add(ShardDiff.mismatch(table, key, Mismatch.Kind.EXTRA_ON_TARGET));
            else if (theirs == null) found.add(ShardDiff.mismatch(table, key, Mismatch.Kind.MISSING_ON_TARGET));
            else if (!ShardDiff.same(mine, theirs)) found.add(ShardDiff.mismatch(table, key, Mismatch.Kind.DIFFERENT));
        }
    }

    /** Numbers and times sort alike everywhere; text, uuids and bytes may not. */
    private static boolean orderMayDiffer(List<Object> key) {
        for (Object v : key) {
            if (!(v instanceof Number || v instanceof java.time.temporal.Temporal || v instanceof java.util.Date)) return true;
        }
        return false;
    }
}
