package io.shardkit.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The shared servers are tuned for tests, shared per JVM, and check credentials. */
class ServerSettingsTest {

    @Test
    void embeddedPostgresRunsWithoutFsyncAndWithRoomForPools() throws SQLException {
        try (EmbeddedShards shards = EmbeddedShards.start(Engine.POSTGRES, 1)) {
            TestDatabase db = shards.database(0);
            assertEquals("300", Jdbc.queryString(db, "SHOW max_connections"));
            assertEquals("off", Jdbc.queryString(db, "SHOW fsync"));
            assertEquals("off", Jdbc.queryString(db, "SHOW synchronous_commit"));
            assertEquals("off", Jdbc.queryString(db, "SHOW full_page_writes"));
            assertEquals(db.name(), Jdbc.queryString(db, "SELECT current_database()"));
        }
    }

    @Test
    void embeddedMariaDbHasRoomForPoolsAndChecksThePassword() throws SQLException {
        try (EmbeddedShards shards = EmbeddedShards.start(Engine.MARIADB, 1)) {
            TestDatabase db = shards.database(0);
            assertEquals(300, Jdbc.queryLong(db, "SELECT @@max_connections"));
            assertEquals(db.name(), Jdbc.queryString(db, "SELECT DATABASE()"));

            assertFalse(db.password().isEmpty());
            assertFalse(db.toString().contains(db.password()), db.toString());
            SQLException denied = assertThrows(SQLException.class,
                    () -> DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password() + "x").close());
            assertEquals(1045, denied.getErrorCode(), denied.getMessage()); // Access denied
        }
    }

    @ParameterizedTest
    @EnumSource(value = Engine.class, names = {"POSTGRES", "MARIADB"})
    void twoStartsInOneJvmShareOneServerButNotDatabases(Engine engine) throws SQLException {
        try (EmbeddedShards first = EmbeddedShards.start(engine, 2);
             EmbeddedShards second = EmbeddedShards.start(engine, 2)) {
            String server = Jdbc.hostAndPort(first.database(0).jdbcUrl());
            for (TestDatabase db : first.databases()) {
                assertEquals(server, Jdbc.hostAndPort(db.jdbcUrl()));
            }
            for (TestDatabase db : second.databases()) {
                assertEquals(server, Jdbc.hostAndPort(db.jdbcUrl()), "second start must reuse the server");
                for (TestDatabase other : first.databases()) {
                    assertNotEquals(other.name(), db.name());
                }
            }
            Jdbc.execute(first.database(0), "CREATE TABLE only_in_first (id INT)");
            assertEquals(1, Jdbc.userTables(first.database(0)));
            assertEquals(0, Jdbc.userTables(second.database(0)));
            assertTrue(server.startsWith("localhost:"), server);
        }
    }
}
