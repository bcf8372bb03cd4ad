package io.shardkit.test;

import java.util.Optional;
import org.opentest4j.TestAbortedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/** PostgreSQL in a Testcontainers container; kept apart so other engines never load Testcontainers. */
final class DockerPostgres {

    private static final Logger log = LoggerFactory.getLogger(DockerPostgres.class);

    static final String IMAGE = "postgres:18-alpine";

    static final String NO_DOCKER = "Docker engine not available: Testcontainers found no working Docker environment"
            + " (its log \"Could not find a valid Docker environment\" lists what it tried)"
            + " — Engine.POSTGRES_CONTAINER needs one; Engine.POSTGRES runs PostgreSQL without Docker";

    private DockerPostgres() {
    }

    static Optional<String> unavailableReason() {
        return DockerClientFactory.instance().isDockerAvailable() ? Optional.empty() : Optional.of(NO_DOCKER);
    }

    static PostgresServer start() {
        unavailableReason().ifPresent(reason -> {
            // An abort, not a failure: JUnit reports the test as skipped with this reason.
            throw new TestAbortedException(reason);
        });
        long started = System.nanoTime();
        PostgreSQLContainer container = new PostgreSQLContainer(IMAGE)
                .withCommand("postgres",
                        "-c", "fsync=off",
                        "-c", "synchronous_commit=off",
                        "-c", "full_page_writes=off",
                        "-c", "max_connections=" + PostgresServer.MAX_CONNECTIONS);
        container.start();
        int port = container.getMappedPort(PostgreSQLContainer.POSTGRESQL_PORT);
        log.info("[POSTGRES_CONTAINER] {} started on {}:{} in {} ms", IMAGE, container.getHost(), port,
                (System.nanoTime() - started) / 1_000_000);
        return new PostgresServer(Engine.POSTGRES_CONTAINER, container.getHost(), port, container.getDatabaseName(),
                container.getUsername(), container.getPassword(), container::stop);
    }
}
