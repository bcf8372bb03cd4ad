package io.shardkit.router;

import io.shardkit.router.internal.Murmur3;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a consistent-hash ring's points go — part of the placement contract, pinned by the golden tables: a shard
 * with weight {@code w} owns {@code virtualNodes × w} points, each at {@code murmur3("<shardId>#<i>")}.
 */
final class RingPoints {
    private RingPoints() {
    }

    /**
     * The sorted points, interleaved with their owners: point i at {@code [2i]} (signed order), the index of its owner
     * in {@code owners} at {@code [2i + 1]}.
     */
    static long[] place(ShardId[] owners, Map<ShardId, Integer> weights, int virtualNodes, int maxPoints) {
        long weightSum = 0;
        for (ShardId s : owners) {
            int w = weights.getOrDefault(s, 1);
            if (w <= 0) {
                throw new ShardException(ShardException.Code.CONFIG, "weight of shard " + s + " must be positive: " + w);
            }
            weightSum += w;
        }
        long requested = weightSum * virtualNodes;
        if (requested > maxPoints) {
            throw new ShardException(ShardException.Code.CONFIG, "the ring would hold " + requested + " points (total weight "
                    + weightSum + " × " + virtualNodes + " virtual nodes), more than " + maxPoints
                    + " — lower virtualNodes or the weights");
        }
        int total = (int) requested;
        record Point(long position, ShardId owner) { }
        Point[] all = new Point[total];
        int n = 0;
        for (ShardId s : owners) {
            int count = weights.getOrDefault(s, 1) * virtualNodes;
            for (int i = 0; i < count; i++) {
                all[n++] = new Point(Murmur3.hashUtf8(s.value() + "#" + i), s);
            }
        }
        // Ties (astronomically rare) are broken by shard id, so the ring never depends on declaration order.
        Arrays.sort(all, Comparator.comparingLong(Point::position).thenComparing(Point::owner));
        Map<ShardId, Integer> index = new HashMap<>();
        for (int i = 0; i < owners.length; i++) index.put(owners[i], i);
        long[] ring = new long[2 * total];
        for (int i = 0; i < total; i++) {
            ring[2 * i] = all[i].position();
            ring[2 * i + 1] = index.get(all[i].owner());
        }
        return ring;
    }
}
