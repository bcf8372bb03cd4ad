package io.shardkit.bench.faults;

import com.sun.management.HotSpotDiagnosticMXBean;
import io.shardkit.cluster.PoolStats;
import io.shardkit.test.TestDatabase;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a run left behind: connections still checked out of a pool once the callers ended; then, after the cluster
 * closed, client connections or statements still on any server (primaries and replicas, from pg_stat_activity), and
 * Shardkit threads still alive — virtual ones included, which only a thread dump lists.
 */
record Leaks(int checkedOut, List<String> serverSessions, List<String> threads) {
    private static final Pattern THREAD_NAME = Pattern.compile("\"name\"\\s*:\\s*\"(shardkit-[^\"]*)\"");

    boolean none() {
        return checkedOut == 0 && serverSessions.isEmpty() && threads.isEmpty();
    }

    /** Connections checked out of the primaries' pools, after up to 5 s for the last ones to come back. */
    static int checkedOut(FaultCluster c) {
        int active = 0;
        for (int i = 0; i < 50; i++) {
            active = c.cluster.poolStats().stream().mapToInt(PoolStats::active).sum();
            if (active == 0) break;
            Fault.sleep(100);
        }
        return active;
    }

    /** After the cluster closed: every client session still on a shard's servers, waiting up to 5 s for them to go. */
    static List<String> serverSessions(FaultCluster c) {
        List<String> left = List.of();
        for (int i = 0; i < 50; i++) {
            left = new ArrayList<>();
            for (var pg : c.servers) {
                left.addAll(sessions(pg.primaries().getFirst(), "primary"));
                left.addAll(sessions(pg.replicas().getFirst(), "replica"));
            }
            if (left.isEmpty()) break;
            Fault.sleep(100);
        }
        return left;
    }

    private static List<String> sessions(TestDatabase db, String role) {
        List<String> found = new ArrayList<>();
        try (Connection conn = db.open(); Statement s = conn.createStatement(); ResultSet rs = s.executeQuery(
                "select pid, state, query from pg_stat_activity where datname = current_database()"
                        + " and pid <> pg_backend_pid() and backend_type = 'client backend'")) {
            while (rs.next()) found.add(role + " " + db + " pid " + rs.getInt(1) + " " + rs.getString(2) + ": " + rs.getString(3));
        } catch (SQLException e) {
            found.add(role + " " + db + ": cannot look (" + e.getMessage() + ")");
        }
        return found;
    }

    /** Threads whose name starts with {@code shardkit-}, virtual ones included, after up to 10 s for them to end. */
    static List<String> shardkitThreads() {
        List<String> names = List.of();
        for (int i = 0; i < 20; i++) {
            names = threadNames();
            if (names.isEmpty()) break;
            Fault.sleep(500);
        }
        return names;
    }

    private static List<String> threadNames() {
        try {
            Path dump = Files.createTempFile("fault-suite-threads", ".json");
            Files.delete(dump); // dumpThreads refuses an existing file
            try {
                ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                        .dumpThreads(dump.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
                List<String> names = new ArrayList<>();
                Matcher m = THREAD_NAME.matcher(Files.readString(dump));
                while (m.find()) names.add(m.group(1));
                return names;
            } finally {
                Files.deleteIfExists(dump);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot dump the threads: " + e, e);
        }
    }
}
