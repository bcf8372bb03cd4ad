package io.shardkit.bench;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import io.shardkit.router.ShardId;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * BENCHMARK BASELINE, not product code: the textbook consistent-hash ring that {@code ConsistentHashRing} is
 * measured against — a {@code TreeMap<Long, ShardId>} of virtual nodes placed with Guava's
 * {@code murmur3_128}, looked up with {@code ceilingEntry} and wrapping to {@code firstEntry}.
 *
 * <p>It places its points exactly where {@code ConsistentHashRing} does ({@code murmur3("<shard>#<i>")}, first
 * 64 bits, signed order), so both return the same shard for every key; the benchmark checks that before it
 * measures, so the comparison is of lookup cost alone.
 */
final class TreeMapRing {

    private static final HashFunction MURMUR3 = Hashing.murmur3_128();

    private final TreeMap<Long, ShardId> ring = new TreeMap<>();

    TreeMapRing(List<ShardId> shards, int virtualNodes) {
        for (ShardId shard : shards) {
            for (int i = 0; i < virtualNodes; i++) {
                ring.put(MURMUR3.hashString(shard.value() + "#" + i, StandardCharsets.UTF_8).asLong(), shard);
            }
        }
        if (ring.size() != shards.size() * virtualNodes) {
            // A collision would make the two rings differ by tie-breaking; with 64-bit points it does not happen.
            throw new IllegalStateException("virtual node collision: " + ring.size() + " points for "
                    + shards.size() + " x " + virtualNodes);
        }
    }

    ShardId shardFor(long key) {
        return owner(MURMUR3.hashLong(key).asLong());
    }

    ShardId shardFor(String key) {
        return owner(MURMUR3.hashString(key, StandardCharsets.UTF_8).asLong());
    }

    private ShardId owner(long token) {
        Map.Entry<Long, ShardId> e = ring.ceilingEntry(token);
        return (e != null ? e : ring.firstEntry()).getValue();
    }
}
