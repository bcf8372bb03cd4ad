package io.shardkit.cluster;

import io.shardkit.router.ShardId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/**
 * The Space-Saving top-k sketch (Metwally, Agrawal, El Abbadi, 2005): {@code capacity} counters; a key not counted
 * takes the smallest counter's place and inherits its count as its error, so each count is an upper bound and
 * {@code count - error} a lower one, and every key above {@code total / capacity} is kept.
 *
 * <p>Everything lives in arrays sized once: a chained hash index from key to slot, and a min-heap of slots by count
 * (a count only grows by one, so an update sifts down a step at most now and then). A long key is kept as a
 * primitive, so counting one allocates nothing; a new byte[] key is copied, as the caller may reuse its array.
 * Synchronized: the router feeds it only a sample of its calls.
 */
final class SpaceSaving {
    private final int capacity;
    private final long[] longKeys;
    private final Object[] objectKeys; // null in a slot holding a long key
    private final int[] hashes;
    private final long[] counts;
    private final long[] errors;
    private final ShardId[] shards;
    private final int[] chainHeads; // by hash, the first slot of the chain, or -1
    private final int[] chainNext;
    private final int[] heap;       // slots, smallest count first
    private final int[] heapIndex;  // slot → its place in heap
    private int size;
    private long total;

    SpaceSaving(int capacity) {
        this.capacity = capacity;
        longKeys = new long[capacity];
        objectKeys = new Object[capacity];
        hashes = new int[capacity];
        counts = new long[capacity];
        errors = new long[capacity];
        shards = new ShardId[capacity];
        chainHeads = new int[Integer.highestOneBit(capacity * 2 - 1) << 1];
        Arrays.fill(chainHeads, -1);
        chainNext = new int[capacity];
        heap = new int[capacity];
        heapIndex = new int[capacity];
    }

    /** One call for a long (or int) key. */
    synchronized void offer(long key, ShardId shard) {
        int hash = hash(key);
        for (int s = chainHeads[hash & (chainHeads.length - 1)]; s >= 0; s = chainNext[s]) {
            if (hashes[s] == hash && objectKeys[s] == null && longKeys[s] == key) {
                increment(s, shard);
                return;
            }
        }
        int slot = claim(hash, shard);
        longKeys[slot] = key;
        objectKeys[slot] = null;
    }

    /** One call for a String, UUID, byte[] or Instant key; long keys go to {@link #offer(long, ShardId)}. */
    synchronized void offer(Object key, ShardId shard) {
        int hash = hash(key);
        for (int s = chainHeads[hash & (chainHeads.length - 1)]; s >= 0; s = chainNext[s]) {
            if (hashes[s] == hash && sameKey(objectKeys[s], key)) {
                increment(s, shard);
                return;
            }
        }
        int slot = claim(hash, shard);
        objectKeys[slot] = key instanceof byte[] b ? b.clone() : key;
    }

    /** The calls offered so far, and the kept keys as text, most counted first (then least error). */
    synchronized Top top() {
        List<Counted> all = new ArrayList<>(size);
        for (int s = 0; s < size; s++) {
            all.add(new Counted(text(s), shards[s], counts[s], errors[s]));
        }
        all.sort(Comparator.comparingLong(Counted::count).reversed().thenComparingLong(Counted::error));
        return new Top(total, all);
    }

    record Top(long total, List<Counted> keys) {
    }

    record Counted(String key, ShardId shard, long count, long error) {
    }

    private void increment(int slot, ShardId shard) {
        total++;
        counts[slot]++;
        shards[slot] = shard;
        siftDown(heapIndex[slot]);
    }

    /** A slot for a key not kept: a free one, else the smallest counter's, evicting its key. */
    private int claim(int hash, ShardId shard) {
        total++;
        int slot;
        if (size < capacity) {
            slot = size++;
            counts[slot] = 1;
            errors[slot] = 0;
            siftUp(slot, slot);
        } else {
            slot = heap[0];
            unlink(slot);
            errors[slot] = counts[slot];
            counts[slot]++;
            siftDown(0);
        }
        hashes[slot] = hash;
        shards[slot] = shard;
        int bucket = hash & (chainHeads.length - 1);
        chainNext[slot] = chainHeads[bucket];
        chainHeads[bucket] = slot;
        return slot;
    }

    private void unlink(int slot) {
        int bucket = hashes[slot] & (chainHeads.length - 1);
        if (chainHeads[bucket] == slot) {
            chainHeads[bucket] = chainNext[slot];
            return;
        }
        for (int s = chainHeads[bucket]; s >= 0; s = chainNext[s]) {
            if (chainNext[s] == slot) {
                chainNext[s] = chainNext[slot];
                return;
            }
        }
    }

    /** Places {@code slot} (count 1, the least possible) from heap place {@code at} up past larger counts. */
    private void siftUp(int slot, int at) {
        while (at > 0) {
            int parent = (at - 1) / 2;
            if (counts[heap[parent]] <= counts[slot]) break;
            heap[at] = heap[parent];
            heapIndex[heap[at]] = at;
            at = parent;
        }
        heap[at] = slot;
        heapIndex[slot] = at;
    }

    private void siftDown(int at) {
        int slot = heap[at];
        long count = counts[slot];
        while (true) {
            int child = 2 * at + 1;
            if (child >= size) break;
            if (child + 1 < size && counts[heap[child + 1]] < counts[heap[child]]) child++;
            if (counts[heap[child]] >= count) break;
            heap[at] = heap[child];
            heapIndex[heap[at]] = at;
            at = child;
        }
        heap[at] = slot;
        heapIndex[slot] = at;
    }

    private String text(int slot) {
        Object key = objectKeys[slot];
        if (key == null) return Long.toString(longKeys[slot]);
        return key instanceof byte[] b ? HexFormat.of().formatHex(b) : key.toString();
    }

    private static boolean sameKey(Object kept, Object key) {
        if (kept == null) return false;
        if (key instanceof byte[] b) return kept instanceof byte[] k && Arrays.equals(k, b);
        return key.equals(kept);
    }

    private static int hash(long key) {
        return mix(Long.hashCode(key));
    }

    private static int hash(Object key) {
        return mix(key instanceof byte[] b ? Arrays.hashCode(b) : key.hashCode());
    }

    private static int mix(int h) {
        h *= 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
