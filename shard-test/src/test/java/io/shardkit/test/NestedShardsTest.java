package io.shardkit.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * {@code @Nested} classes share the enclosing class's shards unless they declare their own.
 * (Kept apart from {@link ShardsExtensionTest}: Surefire credits an outer class's tests to its
 * first nested class in the console summary.)
 */
@WithShards(engine = Engine.H2, count = 3)
class NestedShardsTest {

    private static EmbeddedShards outer;

    @BeforeAll
    static void captureOuterShards(EmbeddedShards shards) {
        outer = shards;
    }

    @Nested
    class WithoutAnnotation {

        @Test
        void inheritsTheEnclosingClassShards(EmbeddedShards shards) {
            assertNotNull(outer);
            assertSame(outer, shards);
            assertEquals(3, shards.databases().size());
        }
    }

    @Nested
    @WithShards(engine = Engine.H2, count = 2)
    class WithItsOwnAnnotation {

        @Test
        void getsItsOwnShards(EmbeddedShards shards) {
            assertEquals(2, shards.databases().size());
            assertNotSame(outer, shards);
        }
    }
}
