package io.shardkit.router;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Explicit key → shard pins consulted before the strategy, e.g. a large tenant on a shard of its own.
 * {@code long} pins live in an open-addressing table of primitives, so that the pinned-or-not check every
 * {@code long} key pays is one or two probes and allocates nothing, however many pins there are.
 */
public final class DirectoryPins {

    private static final DirectoryPins NONE = new DirectoryPins(Map.of());

    private final long[] slotKeys;      // power-of-two table, at most half full; a slot is empty when its shard is null
    private final ShardId[] slotShards;
    private final int slotMask;
    private final int longCount;
    private final Map<Object, ShardId> others; // String, UUID, Instant, and byte[] wrapped in a ByteBuffer
    private final int size;

    private DirectoryPins(Map<?, ShardId> pins) {
        TreeMap<Long, ShardId> longs = new TreeMap<>();
        Map<Object, ShardId> rest = new HashMap<>();
        pins.forEach((key, shard) -> {
            Objects.requireNonNull(shard, "shard");
            // 42 and 42L, or two byte arrays with the same content, are one key: pinning it twice must not
            // silently keep whichever came last.
            ShardId earlier = switch (ShardKeyType.of(key)) {
                case LONG -> longs.put(((Number) key).longValue(), shard);
                case BYTES -> rest.put(ByteBuffer.wrap(((byte[]) key).clone()), shard);
                default -> rest.put(key, shard);
            };
            if (earlier != null && !earlier.equals(shard)) {
                throw new ShardException(ShardException.Code.CONFIG, "key " + describe(key) + " is pinned to both '"
                        + earlier + "' and '" + shard + "' — keep one pin for it");
            }
        });
        int capacity = Integer.highestOneBit(Math.max(1, longs.size()) * 2) * 2;
        slotKeys = new long[longs.isEmpty() ? 0 : capacity];
        slotShards = new ShardId[slotKeys.length];
        slotMask = slotKeys.length - 1;
        longs.forEach((key, shard) -> {
            int i = slot(key);
            while (slotShards[i] != null) i = (i + 1) & slotMask;
            slotKeys[i] = key;
            slotShards[i] = shard;
        });
        longCount = longs.size();
        others = Map.copyOf(rest);
        size = longCount + others.size();
    }

    private static String describe(Object key) {
        return key instanceof byte[] b ? "0x" + java.util.HexFormat.of().formatHex(b) : String.valueOf(key);
    }

    public static DirectoryPins none() {
        return NONE;
    }

    /** Pins from keys (long, int, String, UUID, byte[], Instant) to shards. */
    public static DirectoryPins of(Map<?, ShardId> pins) {
        // Not Map.copyOf first: its bare NullPointerException would hide ShardKeyType's message for a null key.
        return pins.isEmpty() ? NONE : new DirectoryPins(pins);
    }

    /** The pinned shard of a {@code long} key, or null when it is not pinned. */
    public ShardId pinned(long key) {
        if (longCount == 0) return null;
        for (int i = slot(key); ; i = (i + 1) & slotMask) {
            ShardId shard = slotShards[i];
            if (shard == null || slotKeys[i] == key) return shard;
        }
    }

    private int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L; // Fibonacci hashing: the top bits are well mixed
        return (int) (h >>> 40) & slotMask;
    }

    /** The pinned shard of a checked, non-null key, or null when it is not pinned. */
    public ShardId pinned(Object key) {
        if (size == 0) return null;
        return switch (key) {
            case Long l -> pinned(l.longValue());
            case Integer i -> pinned(i.longValue());
            case byte[] b -> others.get(ByteBuffer.wrap(b));
            default -> others.get(key);
        };
    }

    public int size() {
        return size;
    }

    /** Every shard some key is pinned to. */
    public java.util.Set<ShardId> targets() {
        java.util.Set<ShardId> all = new java.util.HashSet<>(others.values());
        for (ShardId shard : slotShards) if (shard != null) all.add(shard);
        return all;
    }
}
