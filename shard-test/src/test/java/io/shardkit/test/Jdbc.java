package io.shardkit.test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** The few JDBC calls the tests repeat. */
final class Jdbc {

    private Jdbc() {
    }

    static void execute(TestDatabase db, String... statements) throws SQLException {
        try (Connection c = db.open(); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    static String queryString(TestDatabase db, String sql) throws SQLException {
        try (Connection c = db.open(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            if (!rs.next()) {
                throw new AssertionError("no row from " + sql + " on " + db);
            }
            return rs.getString(1);
        }
    }

    static long queryLong(TestDatabase db, String sql) throws SQLException {
        return Long.parseLong(queryString(db, sql));
    }

    /** User tables in the database's default schema, whatever the engine calls it. */
    static long userTables(TestDatabase db) throws SQLException {
        String schema = switch (db.engine()) {
            case H2 -> "'PUBLIC'";
            case POSTGRES, POSTGRES_CONTAINER -> "'public'";
            case MARIADB -> "database()";
        };
        return queryLong(db, "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = " + schema);
    }

    /** "host:port" of a JDBC URL such as jdbc:postgresql://localhost:5432/db. */
    static String hostAndPort(String jdbcUrl) {
        int start = jdbcUrl.indexOf("//") + 2;
        return jdbcUrl.substring(start, jdbcUrl.indexOf('/', start));
    }
}
