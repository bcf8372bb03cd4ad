package io.shardkit.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

@WithShards(engine = Engine.H2, count = 4)
class ShardsExtensionTest {

    private static EmbeddedShards fromBeforeAll;
    private final EmbeddedShards fromConstructor;
    private EmbeddedShards fromBeforeEach;

    ShardsExtensionTest(EmbeddedShards shards) {
        this.fromConstructor = shards;
    }

    @BeforeAll
    static void captureClassShards(EmbeddedShards shards) {
        fromBeforeAll = shards;
    }

    @BeforeEach
    void captureMethodShards(EmbeddedShards shards) {
        fromBeforeEach = shards;
    }

    @Test
    void classLevelShardsAreInjectedEverywhereAsOneInstance(EmbeddedShards shards) throws SQLException {
        assertEquals(Engine.H2, shards.engine());
        assertEquals(4, shards.databases().size());
        assertSame(fromBeforeAll, shards);
        assertSame(fromConstructor, shards);
        assertSame(fromBeforeEach, shards);
        Jdbc.execute(shards.database(3), "CREATE TABLE IF NOT EXISTS probe (id INT)");
        assertEquals(1, Jdbc.userTables(shards.database(3)));
    }

    @Test
    @WithShards(engine = Engine.H2, count = 1)
    void methodAnnotationOverridesTheClass(EmbeddedShards shards) {
        assertEquals(1, shards.databases().size());
        assertNotSame(fromBeforeAll, shards);
        assertSame(fromBeforeEach, shards, "@BeforeEach sees the method's shards");
        assertSame(fromBeforeAll, fromConstructor, "constructors always get the class's shards");
        assertTrue(fromBeforeAll.databases().stream().noneMatch(db -> db.name().equals(shards.database(0).name())));
    }

    @Test
    void classShardsAreDroppedAfterAllAndMethodShardsAfterEach() throws SQLException {
        Fixture.seen.clear();
        Events tests = EngineTestKit.engine("junit-jupiter").selectors(selectClass(Fixture.class)).execute().testEvents();
        tests.assertStatistics(s -> s.started(2).succeeded(2));

        assertEquals(2, Fixture.seen.size());
        for (EmbeddedShards shards : Fixture.seen) {
            assertTrue(shards.toString().endsWith(", closed]"), shards.toString());
            // Dropped: the in-memory database comes back empty when reopened.
            assertEquals(0, Jdbc.userTables(shards.database(0)));
        }
    }

    @Test
    void badCountNamesTheAnnotatedElement() {
        Events tests = EngineTestKit.engine("junit-jupiter").selectors(selectClass(BadCountFixture.class)).execute().testEvents();
        tests.assertStatistics(s -> s.failed(1));
        Throwable failure = tests.failed().list().getFirst().getPayload(org.junit.platform.engine.TestExecutionResult.class)
                .orElseThrow().getThrowable().orElseThrow();
        assertEquals("@WithShards on void io.shardkit.test.ShardsExtensionTest$BadCountFixture.test(io.shardkit.test.EmbeddedShards):"
                + " count must be at least 1: 0", failure.getMessage());
    }

    @Test
    void constructorParameterWithoutClassAnnotationIsExplained() {
        Events tests = EngineTestKit.engine("junit-jupiter").selectors(selectClass(MethodOnlyFixture.class)).execute().testEvents();
        tests.assertStatistics(s -> s.failed(1));
        Throwable failure = tests.failed().list().getFirst().getPayload(org.junit.platform.engine.TestExecutionResult.class)
                .orElseThrow().getThrowable().orElseThrow();
        assertNotNull(failure.getMessage());
        assertTrue(failure.getMessage().contains("constructors and @BeforeAll/@AfterAll methods need @WithShards on the test class"),
                failure.getMessage());
    }

    // Fixtures run only through EngineTestKit: static nested classes are not discovered on their own.

    @WithShards(engine = Engine.H2, count = 1)
    static class Fixture {
        static final List<EmbeddedShards> seen = new ArrayList<>();

        @Test
        void classShards(EmbeddedShards shards) throws SQLException {
            seen.add(shards);
            Jdbc.execute(shards.database(0), "CREATE TABLE t (id INT)");
        }

        @Test
        @WithShards(engine = Engine.H2, count = 1)
        void methodShards(EmbeddedShards shards) throws SQLException {
            seen.add(shards);
            Jdbc.execute(shards.database(0), "CREATE TABLE t (id INT)");
        }
    }

    static class BadCountFixture {
        @Test
        @WithShards(count = 0)
        void test(EmbeddedShards shards) {
        }
    }

    static class MethodOnlyFixture {
        MethodOnlyFixture(EmbeddedShards shards) {
        }

        @Test
        @WithShards
        void test() {
        }
    }
}
