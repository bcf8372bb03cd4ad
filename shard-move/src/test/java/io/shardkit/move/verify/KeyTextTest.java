package io.shardkit.move.verify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Saved keys turn back into the same bind values, of the same Java types; the text is pinned. */
class KeyTextTest {
    @Test
    void everyKeyTypeRoundTripsExactly() {
        Object[] key = {42L, 7, (short) 3, (byte) 1, new BigDecimal("1.50"), new BigInteger("123456789012345678901"),
                "a \"quoted\", text\n", new UUID(1, 2), LocalDateTime.of(2026, 5, 1, 8, 0, 0, 1_000),
                OffsetDateTime.of(2026, 5, 1, 8, 0, 0, 123_456_000, ZoneOffset.ofHours(2)), LocalDate.of(2026, 1, 31),
                LocalTime.of(23, 59, 59, 999_999_000), java.sql.Timestamp.valueOf("2026-05-01 08:00:00.000001"),
                java.sql.Date.valueOf("2026-01-31")};
        Object[] back = KeyText.read(KeyText.write("t", key));
        assertEquals(key.length, back.length);
        for (int i = 0; i < key.length; i++) {
            assertEquals(key[i].getClass(), back[i].getClass(), "type of value " + i);
            assertEquals(key[i], back[i], "value " + i);
        }
        assertArrayEquals(new byte[] {0, -1, 16}, (byte[]) KeyText.read(KeyText.write("t", new Object[] {new byte[] {0, -1, 16}}))[0]);
    }

    @Test
    void theTextIsPinned() {
        assertEquals("[[\"long\",\"9223372036854775807\"],[\"string\",\"a\"],[\"localdatetime\",\"2026-05-01T08:00:00.000001\"]]",
                KeyText.write("t", new Object[] {Long.MAX_VALUE, "a", LocalDateTime.of(2026, 5, 1, 8, 0, 0, 1_000)}));
    }

    @Test
    void aKeyTypeItCannotSaveIsRefusedNamingTheTableAndTheRemedy() {
        var e = assertThrows(IllegalArgumentException.class, () -> KeyText.write("orders", new Object[] {List.of(1)}));
        assertEquals("table orders: a primary key value of type java.util.ImmutableCollections$List12 cannot be saved as"
                + " verify progress — verify this table without a progress store", e.getMessage());
    }

    @Test
    void theBuilderNamesEveryProblemAtOnce() {
        var e = assertThrows(IllegalArgumentException.class, () -> ChunkedDiff.builder().chunkSize(0).leafSize(-1)
                .restart(true).build());
        assertEquals("chunked diff: source is not set; target is not set; tables are not set; chunkSize must be at least"
                + " 1: 0; leafSize must be at least 1: -1; restart needs a progress store to restart", e.getMessage());
    }
}
