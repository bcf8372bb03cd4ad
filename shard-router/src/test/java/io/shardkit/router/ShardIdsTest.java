package io.shardkit.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The bit layout of ids is a stored contract: these values are computed by hand, never by the code under test. */
class ShardIdsTest {

    static void assertKeyError(String message, Executable call) {
        ShardException e = assertThrows(ShardException.class, call);
        assertEquals(message, e.getMessage());
        assertEquals(ShardException.Code.KEY, e.code());
    }

    @Test
    void layoutConstants() {
        assertEquals(64, ShardIds.TIMESTAMP_BITS + ShardIds.SHARD_BITS + ShardIds.SEQUENCE_BITS);
        assertEquals(8191, ShardIds.MAX_SHARD_NUMBER);
        assertEquals(1023, ShardIds.MAX_SEQUENCE);
        assertEquals(2_199_023_255_551L, ShardIds.MAX_MILLIS);
    }

    @Test
    void goldenValues() {
        // Instagram's worked example: (1387263000 << 23) | (1341 << 10) | (5001 % 1024)
        long instagram = 11637205501278089L;
        assertEquals(instagram, ShardIds.compose(1387263000L, 1341, 905));
        assertEquals(1387263000L, ShardIds.millisOf(instagram));
        assertEquals(1341, ShardIds.shardOf(instagram));
        assertEquals(905, ShardIds.sequenceOf(instagram));
        assertEquals(Instant.parse("2011-01-17T01:21:03Z"),
                ShardIds.timestampOf(instagram, Instant.parse("2011-01-01T00:00:00Z")));

        assertEquals(0L, ShardIds.compose(0, 0, 0));
        assertEquals(1L, ShardIds.compose(0, 0, 1));
        assertEquals(1024L, ShardIds.compose(0, 1, 0));
        assertEquals(8388608L, ShardIds.compose(1, 0, 0));
        assertEquals(10355966976L, ShardIds.compose(1234, 4321, 0));
    }

    @Test
    void theTimestampUsesTheSignBit() {
        assertEquals(Long.MIN_VALUE, ShardIds.compose(1L << 40, 0, 0));
        assertEquals(-1L, ShardIds.compose(ShardIds.MAX_MILLIS, ShardIds.MAX_SHARD_NUMBER, ShardIds.MAX_SEQUENCE));
        assertEquals(ShardIds.MAX_MILLIS, ShardIds.millisOf(-1L));
        assertEquals(8191, ShardIds.shardOf(-1L));
        assertEquals(1023, ShardIds.sequenceOf(-1L));
        assertEquals(Instant.parse("2095-09-07T15:47:35.551Z"), ShardIds.timestampOf(-1L, ShardIdGenerator.DEFAULT_EPOCH));
        assertEquals(Instant.parse("2060-11-03T19:53:47.776Z"),
                ShardIds.timestampOf(Long.MIN_VALUE, ShardIdGenerator.DEFAULT_EPOCH));
    }

    @Test
    void everyShardNumberRoundTrips() {
        Random random = new Random(42);
        for (int shard = 0; shard <= ShardIds.MAX_SHARD_NUMBER; shard++) {
            long millis = random.nextLong(ShardIds.MAX_MILLIS + 1);
            int sequence = random.nextInt(ShardIds.MAX_SEQUENCE + 1);
            long id = ShardIds.compose(millis, shard, sequence);
            assertEquals(millis, ShardIds.millisOf(id));
            assertEquals(shard, ShardIds.shardOf(id));
            assertEquals(sequence, ShardIds.sequenceOf(id));
        }
    }

    @Test
    void composeRefusesFieldsOutOfRange() {
        assertKeyError("milliseconds since the epoch -1 is outside 0..2199023255551 — ids hold 41 bits of time",
                () -> ShardIds.compose(-1, 0, 0));
        assertKeyError("milliseconds since the epoch 2199023255552 is outside 0..2199023255551 — ids hold 41 bits of time",
                () -> ShardIds.compose(ShardIds.MAX_MILLIS + 1, 0, 0));
        assertKeyError("shard number 8192 is outside 0..8191 — ids hold 13 bits of shard number; map the shard to a"
                + " number in that range", () -> ShardIds.compose(0, 8192, 0));
        assertKeyError("sequence -1 is outside 0..1023 — ids hold 10 bits of sequence", () -> ShardIds.compose(0, 0, -1));
        assertKeyError("sequence 1024 is outside 0..1023 — ids hold 10 bits of sequence", () -> ShardIds.compose(0, 0, 1024));
    }

    @Test
    void timestampOfNeedsAnEpoch() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> ShardIds.timestampOf(0, null));
        assertEquals("epoch", e.getMessage());
    }
}
