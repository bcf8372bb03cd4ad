package io.shardkit.test;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The client sessions of one server, from {@code pg_stat_activity}: ending them as an administrator or a failover
 * would, and listing the statements still running, for leak checks. Always over an admin connection of its own, which
 * both leave out.
 */
final class Backends {

    /** How long terminated backends may take to exit. */
    static final Duration EXIT_WAIT = Duration.ofSeconds(30);
    private static final long POLL_MILLIS = 5;

    // Client backends only: WAL senders (the replicas' connections), autovacuum and the other background processes
    // have datname set too, and are the server's own.
    private static final String CLIENTS = "FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()";

    private Backends() {
    }

    /**
     * {@code pg_terminate_backend} for every client backend of {@code database} (every database if null), then waits
     * until they have exited, so each of their clients gets SQLState 57P01 (admin_shutdown) or a closed connection on
     * its next statement, not a success.
     *
     * @return how many were terminated
     */
    static int terminate(String server, int port, String database) {
        // In the select list, so it runs only for the rows the WHERE clause keeps.
        String sql = "SELECT pid, pg_terminate_backend(pid) " + CLIENTS + (database == null ? "" : " AND datname = ?");
        try (Connection c = PostgresProcess.connect(port)) {
            List<Integer> pids = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                if (database != null) {
                    ps.setString(1, database);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (rs.getBoolean(2)) { // false: it exited meanwhile
                            pids.add(rs.getInt(1));
                        }
                    }
                }
            }
            awaitExited(server, c, pids);
            return pids.size();
        } catch (SQLException e) {
            throw PostgresProcess.failure(server, "could not terminate the backends of "
                    + (database == null ? "every database" : "database " + database) + " on localhost:" + port, e);
        }
    }

    /** The {@code query} of every client session of {@code database} that is not idle (running, or idle in a transaction). */
    static List<String> activeStatements(String server, int port, String database) {
        try (Connection c = PostgresProcess.connect(port);
             PreparedStatement ps = c.prepareStatement("SELECT query " + CLIENTS + " AND datname = ? AND state <> 'idle' ORDER BY pid")) {
            ps.setString(1, database);
            List<String> queries = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    queries.add(rs.getString(1));
                }
            }
            return List.copyOf(queries);
        } catch (SQLException e) {
            throw PostgresProcess.failure(server, "could not read pg_stat_activity of database " + database + " on localhost:" + port, e);
        }
    }

    /**
     * pg_terminate_backend only signals; its own wait polls every 100 ms per backend. A backend leaves
     * pg_stat_activity as it exits, after sending its client the 57P01 error.
     */
    private static void awaitExited(String server, Connection c, List<Integer> pids) throws SQLException {
        if (pids.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + EXIT_WAIT.toNanos();
        Array array = c.createArrayOf("int4", pids.toArray());
        try (PreparedStatement ps = c.prepareStatement("SELECT array_agg(pid) FROM pg_stat_activity WHERE pid = ANY (?)")) {
            ps.setArray(1, array);
            while (true) {
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    String left = rs.getString(1);
                    if (left == null) {
                        return;
                    }
                    if (System.nanoTime() - deadline > 0) {
                        throw new IllegalStateException("[" + server + "] backends " + left + " still there "
                                + EXIT_WAIT.toSeconds() + " s after pg_terminate_backend — are they stuck in an uninterruptible call?");
                    }
                }
                try {
                    Thread.sleep(POLL_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("[" + server + "] interrupted while waiting for terminated backends to exit", e);
                }
            }
        }
    }
}
