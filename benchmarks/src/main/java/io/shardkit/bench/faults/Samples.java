package io.shardkit.bench.faults;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The calls of one caller thread: start (nanoseconds from the run's start), duration, and what they were, packed into
 * growing arrays so recording costs no allocation per call. Read only after the caller has ended.
 */
final class Samples {
    private long[] starts = new long[4096];
    private long[] durations = new long[4096];
    private int[] tags = new int[4096];
    private int size;
    /** Error counts by type, and the first message of each type. */
    final Map<String, Integer> errors = new HashMap<>();
    final Map<String, String> firstMessages = new HashMap<>();

    /** @param shard the shard index, or -1 for a fan-out */
    void add(long startNanos, long durationNanos, OpKind kind, int shard, Outcome outcome, boolean replica) {
        if (size == starts.length) {
            starts = Arrays.copyOf(starts, size * 2);
            durations = Arrays.copyOf(durations, size * 2);
            tags = Arrays.copyOf(tags, size * 2);
        }
        starts[size] = startNanos;
        durations[size] = durationNanos;
        tags[size] = kind.ordinal() | (outcome.ordinal() << 4) | ((shard + 1) << 8) | (replica ? 1 << 20 : 0);
        size++;
    }

    /** The slowest failed call's description: what it was, when, how long it took, and its error. */
    String slowestError = "";
    private long slowestErrorNanos = -1;

    void error(Throwable e, OpKind kind, long startNanos, long durationNanos) {
        if (durationNanos > slowestErrorNanos) {
            slowestErrorNanos = durationNanos;
            slowestError = kind + " at " + startNanos / 1_000_000 + " ms took " + durationNanos / 1_000_000 + " ms: " + e;
        }
        error(e);
    }

    long slowestErrorNanos() {
        return slowestErrorNanos;
    }

    void error(Throwable e) {
        String type = Outcome.errorType(e);
        errors.merge(type, 1, Integer::sum);
        firstMessages.putIfAbsent(type, String.valueOf(e.getMessage()));
    }

    int size() {
        return size;
    }

    long start(int i) {
        return starts[i];
    }

    long duration(int i) {
        return durations[i];
    }

    OpKind kind(int i) {
        return OpKind.values()[tags[i] & 0xF];
    }

    Outcome outcome(int i) {
        return Outcome.values()[(tags[i] >> 4) & 0xF];
    }

    /** The shard index, or -1 for a fan-out. */
    int shard(int i) {
        return ((tags[i] >> 8) & 0xFFF) - 1;
    }

    boolean replica(int i) {
        return (tags[i] & (1 << 20)) != 0;
    }
}
