package io.shardkit.test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** In-memory H2 databases; nothing to start or stop, a database lives until {@code SHUTDOWN}. */
final class H2Databases implements ShardServer {

    private static final Logger log = LoggerFactory.getLogger(H2Databases.class);
    private static final String USER = "sa";
    private static final String PASSWORD = "";

    @Override
    public List<TestDatabase> create(List<String> names) {
        List<TestDatabase> created = new ArrayList<>(names.size());
        for (String name : names) {
            // DB_CLOSE_DELAY=-1 keeps the database alive between connections until SHUTDOWN.
            TestDatabase db = new TestDatabase(name, "jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1", USER, PASSWORD, Engine.H2);
            // Opening it once creates it, so it exists even before the test connects.
            try (Connection ignored = db.open()) {
                created.add(db);
            } catch (SQLException e) {
                drop(created);
                throw new IllegalStateException("[H2] could not create in-memory database " + name
                        + " (SQLState " + e.getSQLState() + "): " + e.getMessage(), e);
            }
        }
        return created;
    }

    @Override
    public void drop(List<TestDatabase> databases) {
        for (TestDatabase db : databases) {
            try (Connection c = db.open(); Statement s = c.createStatement()) {
                s.execute("SHUTDOWN");
            } catch (SQLException e) {
                log.warn("[H2] could not shut down in-memory database {} (SQLState {}): {}", db.name(), e.getSQLState(), e.getMessage());
            }
        }
    }

    @Override
    public void stop() {
        // Nothing runs outside this JVM.
    }
}
