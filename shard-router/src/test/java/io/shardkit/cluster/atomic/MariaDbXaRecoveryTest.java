package io.shardkit.cluster.atomic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.shardkit.test.MariaDbFaults;
import io.shardkit.test.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The server facts MariaDB participants rest on, on the embedded MariaDB (10.11): a prepared XA branch survives its
 * connection closing and a SIGKILL of mariadbd, is listed by {@code XA RECOVER} from another session, and that session
 * can commit or roll it back. No Shardkit code: if one of these fails, MariaDB must stay refused.
 */
class MariaDbXaRecoveryTest {
    private static MariaDbFaults server;
    private static TestDatabase db;

    @BeforeAll
    static void start() throws SQLException {
        server = MariaDbFaults.start(1);
        db = server.database(0);
        try (Connection c = db.open(); Statement s = c.createStatement()) {
            s.execute("create table t (id int primary key) engine=InnoDB");
        }
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    @BeforeEach
    void empty() throws SQLException {
        try (Connection c = db.open(); Statement s = c.createStatement()) {
            for (String xid : recovered(s)) s.execute("xa rollback '" + xid + "'");
            s.execute("delete from t");
        }
    }

    @Test
    void aPreparedBranchSurvivesItsConnectionAndIsCommittedFromAnotherSession() throws SQLException {
        prepare("closed-1", 1);
        try (Connection c = db.open(); Statement s = c.createStatement()) {
            assertEquals(List.of("closed-1"), recovered(s));
            assertEquals(0, count(s), "not visible before its commit");
            s.execute("xa commit 'closed-1'");
            assertEquals(1, count(s));
            assertEquals(List.of(), recovered(s));
        }
    }

    @Test
    void preparedBranchesSurviveASigkillOfTheServerAndAreFinishedAfterTheRestart() throws SQLException {
        prepare("killed-commit", 1);
        prepare("killed-rollback", 2);
        Connection held = db.open(); // a session open across the crash
        server.kill();
        assertThrows(SQLException.class, () -> held.createStatement().execute("select 1"));
        held.close();
        server.start();
        try (Connection c = db.open(); Statement s = c.createStatement()) {
            assertEquals(List.of("killed-commit", "killed-rollback"), recovered(s).stream().sorted().toList());
            s.execute("xa commit 'killed-commit'");
            s.execute("xa rollback 'killed-rollback'");
            assertEquals(List.of(), recovered(s));
            try (ResultSet rs = s.executeQuery("select id from t")) {
                assertEquals(true, rs.next());
                assertEquals(1, rs.getInt(1), "the committed branch's row, and only it");
                assertEquals(false, rs.next());
            }
        }
    }

    /** XA START, one insert, XA END, XA PREPARE; then the connection closes. */
    private static void prepare(String xid, int id) throws SQLException {
        try (Connection c = db.open(); Statement s = c.createStatement()) {
            s.execute("xa start '" + xid + "'");
            s.execute("insert into t values (" + id + ")");
            s.execute("xa end '" + xid + "'");
            s.execute("xa prepare '" + xid + "'");
        }
    }

    private static List<String> recovered(Statement s) throws SQLException {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = s.executeQuery("xa recover")) {
            while (rs.next()) out.add(rs.getString("data"));
        }
        return out;
    }

    private static int count(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("select count(*) from t")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
