package io.shardkit.test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Objects;

/**
 * One empty database created by {@link EmbeddedShards}: what a test needs to connect to it.
 * {@link #toString()} masks the password, so a database can be logged or put in an assertion message.
 *
 * @param name     the database name on its server, e.g. {@code shard_3_0}
 * @param jdbcUrl  a JDBC URL without credentials
 * @param username the user to connect as
 * @param password the password (may be empty, never null)
 * @param engine   the engine that holds the database
 */
public record TestDatabase(String name, String jdbcUrl, String username, String password, Engine engine) {

    public TestDatabase {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(engine, "engine");
    }

    /** Opens a new connection through {@link DriverManager}; the caller closes it. */
    public Connection open() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, username, password);
    }

    /** Always prints the password as {@code ****}, whether or not it is empty. */
    @Override
    public String toString() {
        return "TestDatabase[name=" + name + ", jdbcUrl=" + jdbcUrl + ", username=" + username
                + ", password=****, engine=" + engine + "]";
    }
}
