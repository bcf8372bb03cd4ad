package io.shardkit.test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every embedded engine gives each shard its own, empty database. */
class EngineIsolationTest {

    @ParameterizedTest
    @EnumSource(value = Engine.class, names = {"H2", "POSTGRES", "MARIADB"})
    void eachDatabaseSeesOnlyItsOwnRows(Engine engine) throws SQLException {
        try (EmbeddedShards shards = EmbeddedShards.start(engine, 3)) {
            List<TestDatabase> dbs = shards.databases();
            assertEquals(3, dbs.size());
            assertEquals(engine, shards.engine());
            Set<String> names = dbs.stream().map(TestDatabase::name).collect(Collectors.toSet());
            Set<String> urls = dbs.stream().map(TestDatabase::jdbcUrl).collect(Collectors.toSet());
            assertEquals(3, names.size(), "names must be distinct: " + dbs);
            assertEquals(3, urls.size(), "URLs must be distinct: " + dbs);

            for (int i = 0; i < dbs.size(); i++) {
                TestDatabase db = dbs.get(i);
                assertEquals(engine, db.engine());
                assertEquals(0, Jdbc.userTables(db), "a fresh database has no tables: " + db);
                Jdbc.execute(db, "CREATE TABLE items (id INT PRIMARY KEY, shard VARCHAR(20))");
                for (int row = 0; row < rowsFor(i); row++) {
                    Jdbc.execute(db, "INSERT INTO items VALUES (" + row + ", '" + db.name() + "')");
                }
            }
            for (int i = 0; i < dbs.size(); i++) {
                TestDatabase db = dbs.get(i);
                assertEquals(rowsFor(i), Jdbc.queryLong(db, "SELECT COUNT(*) FROM items"), "rows in " + db);
                assertEquals(1, Jdbc.queryLong(db, "SELECT COUNT(DISTINCT shard) FROM items"), "foreign rows in " + db);
                assertEquals(db.name(), Jdbc.queryString(db, "SELECT MIN(shard) FROM items"));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Engine.class, names = {"H2", "POSTGRES", "MARIADB"})
    void closeDropsTheDatabasesAndIsIdempotent(Engine engine) throws SQLException {
        EmbeddedShards shards = EmbeddedShards.start(engine, 2);
        TestDatabase db = shards.database(1);
        Jdbc.execute(db, "CREATE TABLE leftover (id INT)");

        shards.close();

        switch (engine) {
            // Reconnecting to a dropped in-memory H2 database creates a new, empty one.
            case H2 -> assertEquals(0, Jdbc.userTables(db));
            // 3D000 invalid_catalog_name: database "shard_..." does not exist
            case POSTGRES -> assertEquals("3D000", assertThrows(SQLException.class, db::open).getSQLState());
            // 1049 Unknown database
            case MARIADB -> assertEquals(1049, assertThrows(SQLException.class, db::open).getErrorCode());
            default -> throw new AssertionError(engine);
        }
        assertDoesNotThrow(shards::close);
    }

    @ParameterizedTest
    @EnumSource(value = Engine.class, names = {"H2", "POSTGRES", "MARIADB"})
    void closeWhileASessionIsStillOpenDoesNotHang(Engine engine) throws SQLException {
        EmbeddedShards shards = EmbeddedShards.start(engine, 1);
        TestDatabase db = shards.database(0);
        Jdbc.execute(db, "CREATE TABLE t (id INT)");
        try (var leaked = db.open()) {
            leaked.setAutoCommit(false);
            leaked.createStatement().execute("INSERT INTO t VALUES (1)");
            // a close that waited for the open transaction would wait forever: bounded only to fail instead of hang
            assertTimeoutPreemptively(Duration.ofSeconds(60), shards::close, "close waited for the open session");
        }
        if (engine == Engine.H2) {
            assertEquals(0, Jdbc.userTables(db));
        } else {
            assertThrows(SQLException.class, db::open);
        }
    }

    private static int rowsFor(int shard) {
        return 2 * (shard + 1);
    }
}
