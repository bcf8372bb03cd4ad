package io.shardkit.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The bit layout of ids is a stored contract: these values are computed by hand, never by the code under test. */
class RowIdsTest {

    static void assertKeyError(String message, Executable call) {
        ShardException e = assertThrows(ShardException.class, call);
        assertEquals(message, e.getMessage());
        assertEquals(ShardException.Code.KEY, e.code());
    }

    @Test
    void layoutConstants() {
        assertEquals(64, RowIds.TIMESTAMP_BITS + RowIds.SHARD_BITS + RowIds.SEQUENCE_BITS);
        assertEquals(8191, RowIds.MAX_SHARD_NUMBER);
        assertEquals(1023, RowIds.MAX_SEQUENCE);
        assertEquals(2_199_023_255_551L, RowIds.MAX_MILLIS);
    }

    @Test
    void goldenValues() {
        // Instagram's worked example: (1387263000 << 23) | (1341 << 10) | (5001 % 1024)
        long instagram = 11637205501278089L;
        assertEquals(instagram, RowIds.compose(1387263000L, 1341, 905));
        assertEquals(1387263000L, RowIds.millisOf(instagram));
        assertEquals(1341, RowIds.shardOf(instagram));
        assertEquals(905, RowIds.sequenceOf(instagram));
        assertEquals(Instant.parse("2011-01-17T01:21:03Z"),
                RowIds.timestampOf(instagram, Instant.parse("2011-01-01T00:00:00Z")));

        assertEquals(0L, RowIds.compose(0, 0, 0));
        assertEquals(1L, RowIds.compose(0, 0, 1));
        assertEquals(1024L, RowIds.compose(0, 1, 0));
        assertEquals(8388608L, RowIds.compose(1, 0, 0));
        assertEquals(10355966976L, RowIds.compose(1234, 4321, 0));
    }

    @Test
    void theTimestampUsesTheSignBit() {
        assertEquals(Long.MIN_VALUE, RowIds.compose(1L << 40, 0, 0));
        assertEquals(-1L, RowIds.compose(RowIds.MAX_MILLIS, RowIds.MAX_SHARD_NUMBER, RowIds.MAX_SEQUENCE));
        assertEquals(RowIds.MAX_MILLIS, RowIds.millisOf(-1L));
        assertEquals(8191, RowIds.shardOf(-1L));
        assertEquals(1023, RowIds.sequenceOf(-1L));
        assertEquals(Instant.parse("2095-09-07T15:47:35.551Z"), RowIds.timestampOf(-1L, RowIdGenerator.DEFAULT_EPOCH));
        assertEquals(Instant.parse("2060-11-03T19:53:47.776Z"),
                RowIds.timestampOf(Long.MIN_VALUE, RowIdGenerator.DEFAULT_EPOCH));
    }

    @Test
    void everyShardNumberRoundTrips() {
        Random random = new Random(42);
        for (int shard = 0; shard <= RowIds.MAX_SHARD_NUMBER; shard++) {
            long millis = random.nextLong(RowIds.MAX_MILLIS + 1);
            int sequence = random.nextInt(RowIds.MAX_SEQUENCE + 1);
            long id = RowIds.compose(millis, shard, sequence);
            assertEquals(millis, RowIds.millisOf(id));
            assertEquals(shard, RowIds.shardOf(id));
            assertEquals(sequence, RowIds.sequenceOf(id));
        }
    }

    @Test
    void composeRefusesFieldsOutOfRange() {
        assertKeyError("milliseconds since the epoch -1 is outside 0..2199023255551 — ids hold 41 bits of time",
                () -> RowIds.compose(-1, 0, 0));
        assertKeyError("milliseconds since the epoch 2199023255552 is outside 0..2199023255551 — ids hold 41 bits of time",
                () -> RowIds.compose(RowIds.MAX_MILLIS + 1, 0, 0));
        assertKeyError("shard number 8192 is outside 0..8191 — ids hold 13 bits of shard number; map the shard to a"
                + " number in that range", () -> RowIds.compose(0, 8192, 0));
        assertKeyError("sequence -1 is outside 0..1023 — ids hold 10 bits of sequence", () -> RowIds.compose(0, 0, -1));
        assertKeyError("sequence 1024 is outside 0..1023 — ids hold 10 bits of sequence", () -> RowIds.compose(0, 0, 1024));
    }

    @Test
    void timestampOfNeedsAnEpoch() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> RowIds.timestampOf(0, null));
        assertEquals("epoch", e.getMessage());
    }
}
