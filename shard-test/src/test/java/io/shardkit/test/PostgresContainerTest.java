package io.shardkit.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/**
 * Runs where a Docker engine exists; elsewhere {@link ShardsExtension} disables the class and
 * JUnit and Surefire report its tests as skipped with "Docker engine not available: ...".
 */
@WithShards(engine = Engine.POSTGRES_CONTAINER, count = 2)
class PostgresContainerTest {

    @Test
    void containerDatabasesAreIsolated(EmbeddedShards shards) throws SQLException {
        TestDatabase first = shards.database(0);
        TestDatabase second = shards.database(1);
        assertNotEquals(first.name(), second.name());
        assertEquals(Jdbc.hostAndPort(first.jdbcUrl()), Jdbc.hostAndPort(second.jdbcUrl()));
        Jdbc.execute(first, "CREATE TABLE items (id INT)", "INSERT INTO items VALUES (1), (2)");
        Jdbc.execute(second, "CREATE TABLE items (id INT)", "INSERT INTO items VALUES (1)");
        assertEquals(2, Jdbc.queryLong(first, "SELECT COUNT(*) FROM items"));
        assertEquals(1, Jdbc.queryLong(second, "SELECT COUNT(*) FROM items"));
        assertEquals("off", Jdbc.queryString(first, "SHOW fsync"));
    }
}
