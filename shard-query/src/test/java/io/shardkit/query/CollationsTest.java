package io.shardkit.query;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.shardkit.test.EmbeddedShards;
import io.shardkit.test.Engine;
import io.shardkit.test.TestDatabase;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** A database's string order is looked up once it can be; a failed lookup is asked again, not remembered. */
class CollationsTest {

    /** A real data source whose database can be unreachable for a while (the URL it connects to is switched). */
    static final class SwitchableDataSource implements DataSource {
        volatile String url;
        final String user;
        final String password;

        SwitchableDataSource(String url, String user, String password) {
            this.url = url;
            this.user = user;
            this.password = password;
        }

        @Override
        public Connection getConnection() throws SQLException {
            return DriverManager.getConnection(url, user, password);
        }

        @Override
        public Connection getConnection(String u, String p) throws SQLException {
            return DriverManager.getConnection(url, u, p);
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() {
            return Logger.getGlobal();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    }

    @Test
    void aFailedLookupIsNotCachedAsUnknown() {
        try (EmbeddedShards dbs = EmbeddedShards.start(Engine.POSTGRES, 1)) {
            TestDatabase db = dbs.database(0);
            SwitchableDataSource ds = new SwitchableDataSource(db.jdbcUrl().replace("/" + db.name(), "/no_such_database"),
                    db.username(), db.password());
            assertNull(Collations.postgres(ds), "the database cannot be reached: its order is unknown for now");
            ds.url = db.jdbcUrl();
            assertNotNull(Collations.postgres(ds), "reachable again: looked up, not the remembered failure");
        }
    }
}
