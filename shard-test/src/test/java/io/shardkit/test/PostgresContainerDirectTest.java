package io.shardkit.test;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/**
 * Uses {@link EmbeddedShards#start} directly: without Docker the call aborts the test, which
 * JUnit and Surefire report as skipped with "Docker engine not available: ...".
 */
class PostgresContainerDirectTest {

    @Test
    void startInATestMethod() throws SQLException {
        try (EmbeddedShards shards = EmbeddedShards.start(Engine.POSTGRES_CONTAINER, 2)) {
            Jdbc.execute(shards.database(0), "CREATE TABLE items (id INT)", "INSERT INTO items VALUES (1)");
            Jdbc.execute(shards.database(1), "CREATE TABLE items (id INT)");
            assertEquals(1, Jdbc.queryLong(shards.database(0), "SELECT COUNT(*) FROM items"));
            assertEquals(0, Jdbc.queryLong(shards.database(1), "SELECT COUNT(*) FROM items"));
        }
    }
}
