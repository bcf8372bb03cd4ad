package io.shardkit.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Argument checks and naming, on H2 because no server is needed. */
class EmbeddedShardsTest {

    @Test
    void countMustBePositive() {
        assertEquals("count must be at least 1: 0",
                assertThrows(IllegalArgumentException.class, () -> EmbeddedShards.start(Engine.H2, 0)).getMessage());
    }

    @Test
    void engineIsRequired() {
        assertEquals("engine", assertThrows(NullPointerException.class, () -> EmbeddedShards.start(null, 1)).getMessage());
    }

    @Test
    void databaseIndexIsChecked() {
        try (EmbeddedShards shards = EmbeddedShards.start(Engine.H2, 3)) {
            assertEquals(shards.databases().get(2), shards.database(2));
            assertEquals("shard index 3 out of range: 3 databases (0..2)",
                    assertThrows(IndexOutOfBoundsException.class, () -> shards.database(3)).getMessage());
            assertThrows(IndexOutOfBoundsException.class, () -> shards.database(-1));
        }
    }

    @Test
    void databasesAreNamedByRunAndIndexAndTheListIsImmutable() {
        try (EmbeddedShards shards = EmbeddedShards.start(Engine.H2, 2)) {
            Pattern name = Pattern.compile("shard_(\\d+)_([01])");
            for (int i = 0; i < 2; i++) {
                var m = name.matcher(shards.database(i).name());
                assertTrue(m.matches(), shards.database(i).name());
                assertEquals(String.valueOf(i), m.group(2));
            }
            assertEquals("jdbc:h2:mem:" + shards.database(0).name() + ";DB_CLOSE_DELAY=-1", shards.database(0).jdbcUrl());
            assertThrows(UnsupportedOperationException.class, () -> shards.databases().clear());
        }
    }

    @Test
    void toStringListsNamesOnly() {
        EmbeddedShards shards = EmbeddedShards.start(Engine.H2, 1);
        String name = shards.database(0).name();
        assertEquals("EmbeddedShards[engine=H2, databases=[" + name + "]]", shards.toString());
        shards.close();
        assertEquals("EmbeddedShards[engine=H2, databases=[" + name + "], closed]", shards.toString());
    }
}
