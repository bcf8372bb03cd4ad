package io.shardkit.router;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.common.hash.Hashing;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The jump bucket is Guava's {@code consistentHash}, which placed every jump-routed row before it was inlined. */
class JumpHashTest {

    @Test
    void everyBucketIsGuavasConsistentHash() {
        SplittableRandom random = new SplittableRandom(20261201);
        for (int i = 0; i < 2_000_000; i++) {
            long token = random.nextLong();
            int buckets = i % 3 == 0 ? 1 + random.nextInt(16) : 1 + random.nextInt(1 << (1 + random.nextInt(16)));
            assertEquals(Hashing.consistentHash(token, buckets), JumpHashStrategy.bucket(token, buckets),
                    "token " + token + ", " + buckets + " buckets");
        }
        for (long token : new long[] {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE}) {
            for (int buckets : new int[] {1, 2, 3, 8191, Integer.MAX_VALUE}) {
                assertEquals(Hashing.consistentHash(token, buckets), JumpHashStrategy.bucket(token, buckets));
            }
        }
    }
}
