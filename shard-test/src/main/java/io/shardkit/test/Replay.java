package io.shardkit.test;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

/**
 * The WAL side of {@link ReplicatedPostgres}: where the primary's WAL stands, pausing and resuming replay on a
 * replica, and polling until a replica streams, has replayed up to a position, or is in recovery.
 */
final class Replay {

    static final Duration READY_WAIT = Duration.ofSeconds(60);
    private static final long POLL_MILLIS = 5;

    private Replay() {
    }

    /** The position up to which the primary has written its WAL: every commit that has returned is before it. */
    static String primaryWalPosition(int primaryPort) {
        try (Connection c = PostgresProcess.connect(primaryPort); Statement s = c.createStatement()) {
            return queryString(s, "SELECT pg_current_wal_lsn()::text");
        } catch (SQLException e) {
            throw PostgresProcess.failure("primary", "could not read the WAL position on localhost:" + primaryPort, e);
        }
    }

    /**
     * Stops applying WAL on the replica at {@code port}. 'pause requested' is enough: the startup process checks
     * it before applying each record.
     */
    static void pause(String replica, int port) {
        String state = onAdmin(replica, port, "pause replay", s -> {
            s.execute("SELECT pg_wal_replay_pause()");
            return queryString(s, "SELECT pg_get_wal_replay_pause_state()");
        });
        if ("not paused".equals(state)) {
            throw new IllegalStateException("[" + replica + "] replay still 'not paused' after pg_wal_replay_pause()");
        }
    }

    static void resume(String replica, int port) {
        onAdmin(replica, port, "resume replay", s -> s.execute("SELECT pg_wal_replay_resume()"));
    }

    /** Until the primary reports the replica with this application name as streaming; {@code timeout} is for the message. */
    static void awaitStreaming(String replica, int primaryPort, String applicationName, Path dataDirectory, long deadline,
                               Duration timeout) {
        String state = null;
        try (Connection c = PostgresProcess.connect(primaryPort);
             PreparedStatement ps = c.prepareStatement("SELECT state FROM pg_stat_replication WHERE application_name = ?")) {
            ps.setString(1, applicationName);
            while (true) {
                try (ResultSet rs = ps.executeQuery()) {
                    state = rs.next() ? rs.getString(1) : null;
                }
                if ("streaming".equals(state)) {
                    return;
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("[" + replica + "] not streaming from the primary after "
                            + timeout.toMillis() + " ms (pg_stat_replication state: " + (state == null ? "no row" : state)
                            + "); its server log ends with:\n" + PostgresProcess.tail(DataDirectories.serverLog(dataDirectory)));
                }
                sleep();
            }
        } catch (SQLException e) {
            throw PostgresProcess.failure(replica, "could not read pg_stat_replication on the primary", e);
        }
    }

    /** Until the replica at {@code port} has replayed up to {@code target}; {@code timeout} is for the message. */
    static void awaitReplayed(String replica, int port, String target, long deadline, Duration timeout) {
        try (Connection c = PostgresProcess.connect(port);
             PreparedStatement ps = c.prepareStatement("SELECT pg_last_wal_replay_lsn() >= CAST(? AS pg_lsn), "
                     + "pg_last_wal_replay_lsn()::text, pg_get_wal_replay_pause_state()")) {
            ps.setString(1, target);
            while (true) {
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getBoolean(1)) {
                        return;
                    }
                    if (System.nanoTime() - deadline > 0) {
                        throw new IllegalStateException("[" + replica + "] replay did not reach the primary's WAL position "
                                + target + " within " + timeout.toMillis() + " ms (replayed up to " + rs.getString(2)
                                + ", replay " + rs.getString(3) + ") — call resumeReplay() first if replay is paused");
                    }
                }
                sleep();
            }
        } catch (SQLException e) {
            throw PostgresProcess.failure(replica, "could not read the replay position on localhost:" + port, e);
        }
    }

    /** Checks that each database answers, read-only: a server that is not in recovery is no replica. */
    static void checkInRecovery(String replica, int port, List<TestDatabase> databases) {
        for (TestDatabase db : databases) {
            try (Connection c = db.open(); Statement s = c.createStatement()) {
                if (!"t".equals(queryString(s, "SELECT pg_is_in_recovery()"))) {
                    throw new IllegalStateException("[" + replica + "] database " + db.name() + " on localhost:" + port
                            + " is not in recovery, so it is no replica");
                }
            } catch (SQLException e) {
                throw PostgresProcess.failure(replica, "database " + db.name() + " is not readable on localhost:" + port, e);
            }
        }
    }

    @FunctionalInterface
    private interface SqlWork<T> {
        T run(Statement statement) throws SQLException;
    }

    private static <T> T onAdmin(String replica, int port, String what, SqlWork<T> work) {
        try (Connection c = PostgresProcess.connect(port); Statement s = c.createStatement()) {
            return work.run(s);
        } catch (SQLException e) {
            throw PostgresProcess.failure(replica, "could not " + what + " on localhost:" + port, e);
        }
    }

    private static String queryString(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a replica", e);
        }
    }
}
