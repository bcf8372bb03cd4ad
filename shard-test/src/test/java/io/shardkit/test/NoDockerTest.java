package io.shardkit.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;
import org.opentest4j.TestAbortedException;
import org.testcontainers.DockerClientFactory;

/** Without Docker, POSTGRES_CONTAINER is an abort with a reason, never a failure or a silent pass. */
class NoDockerTest {

    private static final String REASON = "Docker engine not available: Testcontainers found no working Docker environment"
            + " (its log \"Could not find a valid Docker environment\" lists what it tried)"
            + " — Engine.POSTGRES_CONTAINER needs one; Engine.POSTGRES runs PostgreSQL without Docker";

    @Test
    void startAbortsWithTheReason() {
        assumeFalse(DockerClientFactory.instance().isDockerAvailable(), "a Docker engine is available here");
        assertEquals(REASON, assertThrows(TestAbortedException.class,
                () -> EmbeddedShards.start(Engine.POSTGRES_CONTAINER, 1)).getMessage());
        // The second call answers from the cached outcome, with the same reason.
        assertEquals(REASON, assertThrows(TestAbortedException.class,
                () -> EmbeddedShards.start(Engine.POSTGRES_CONTAINER, 1)).getMessage());
    }

    @Test
    void annotatedClassIsReportedSkippedWithTheReason() {
        assumeFalse(DockerClientFactory.instance().isDockerAvailable(), "a Docker engine is available here");
        Events all = EngineTestKit.engine("junit-jupiter").selectors(selectClass(PostgresContainerTest.class)).execute().allEvents();
        all.assertStatistics(s -> s.failed(0).aborted(0).skipped(1));
        Event skipped = all.skipped().list().getFirst();
        assertEquals(PostgresContainerTest.class.getSimpleName(), skipped.getTestDescriptor().getDisplayName());
        assertEquals(REASON, skipped.getPayload(String.class).orElseThrow());
    }

    @Test
    void annotatedMethodIsReportedSkippedWithTheReason() {
        assumeFalse(DockerClientFactory.instance().isDockerAvailable(), "a Docker engine is available here");
        Events tests = EngineTestKit.engine("junit-jupiter").selectors(selectClass(MethodFixture.class)).execute().testEvents();
        tests.assertStatistics(s -> s.failed(0).succeeded(1).skipped(1));
        assertEquals(REASON, tests.skipped().list().getFirst().getPayload(String.class).orElseThrow());
    }

    // Runs only through EngineTestKit.
    @WithShards(engine = Engine.H2, count = 1)
    static class MethodFixture {
        @Test
        void onH2(EmbeddedShards shards) {
            assertEquals(Engine.H2, shards.engine());
        }

        @Test
        @WithShards(engine = Engine.POSTGRES_CONTAINER, count = 1)
        void inAContainer(EmbeddedShards shards) {
            throw new AssertionError("must not run without Docker");
        }
    }
}
