package io.shardkit.cluster;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jooq.SQLDialect;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One read replica of a physical database: its pool, and what the last probe found of its health, lag and
 * (PostgreSQL) replay position. Probes run on threads of the cluster's {@link ReplicaProber} every
 * {@link ReadPolicy#lagCheckInterval()}; a read only looks at their result, so a replica that is down never makes a
 * caller wait for its connection timeout (as HikariCP's housekeeper keeps that work off the borrower's thread).
 * Until its first probe a replica is not used: its lag is not known. A replica that fails is not used, nor probed,
 * for {@link ReadPolicy#retryFailedReplicaAfter()}, and is used again once a probe after that succeeds.
 */
final class ReplicaPool {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaPool.class);
    /** How much longer than two probe intervals a probe result stays good: a probe's own time on a loaded server. */
    static final Duration PROBE_GRACE = Duration.ofSeconds(1);
    /** The longest a probe waits for its server; one that does not answer by then is marked down. */
    static final int PROBE_TIMEOUT_MS = 5_000;

    final String name;
    final String database;
    final HikariDataSource dataSource;
    final ClusterMetrics.ReplicaMeters meters;
    private final SQLDialect dialect;
    private final ReadPolicy policy;
    /** Whether the last probe succeeded and no caller's query has failed on a connection since. */
    private volatile boolean healthy;
    private volatile long downUntilNanos;
    private volatile long lagMillis;
    private volatile long replayedLsn = -1;
    /** PostgreSQL: WAL the replica has received but not replayed yet, at the last probe. */
    private volatile long unreplayedBytes;
    /** MySQL/MariaDB: null until known whether the server has SHOW REPLICA STATUS. */
    private volatile String statusStatement;
    /** When the last probe that succeeded began; its lag figure is only as recent as that. */
    private volatile long probedAtNanos;
    /** Whether any probe has succeeded: before one, the lag is not known. */
    private volatile boolean measured;
    private final AtomicBoolean probing = new AtomicBoolean();

    ReplicaPool(String name, String database, HikariDataSource dataSource, SQLDialect dialect, ReadPolicy policy,
                ClusterMetrics.ReplicaMeters meters) {
        this.name = name;
        this.database = database;
        this.dataSource = dataSource;
        this.meters = meters;
        this.dialect = dialect;
        this.policy = policy;
    }

    /**
     * Usable for a read that needs nothing newer than the lag bound allows: healthy, within the bound at its last
     * probe, and probed recently ({@link #PROBE_GRACE} past two intervals) — a replica whose probes stopped coming
     * back (its server hangs) may have fallen any distance behind since. Reads state, no I/O.
     */
    boolean usable() {
        return skipReason() == null;
    }

    /** Why {@link #usable()} is false, or null when it is true; reads state, no I/O. */
    ReplicaSkip skipReason() {
        if (!healthy) return !measured && downUntilNanos == 0 ? ReplicaSkip.NOT_PROBED : ReplicaSkip.DOWN;
        if (lagMillis > policy.maxReplicaLag().toMillis()) return ReplicaSkip.LAGGING;
        if (System.nanoTime() - probedAtNanos > 2 * policy.lagCheckInterval().toNanos() + PROBE_GRACE.toNanos()) {
            return ReplicaSkip.STALE_PROBE;
        }
        return null;
    }

    /** Usable for a read that must see everything up to {@code lsn} (PostgreSQL WAL position); reads state, no I/O. */
    boolean hasReplayed(long lsn) {
        return skipReason(lsn) == null;
    }

    /** Why {@link #hasReplayed} is false, or null when it is true. */
    ReplicaSkip skipReason(long lsn) {
        ReplicaSkip why = skipReason();
        return why != null ? why : replayedLsn >= lsn ? null : ReplicaSkip.BEHIND_POSITION;
    }

    boolean isDown() {
        return downUntilNanos != 0 && System.nanoTime() - downUntilNanos < 0;
    }

    void markDown(Throwable cause) {
        healthy = false; // until a probe after the retry time succeeds
        long until = System.nanoTime() + policy.retryFailedReplicaAfter().toNanos();
        downUntilNanos = until == 0 ? 1 : until;
        LOG.warn("replica {} failed and is skipped for {} ms: {}", name, policy.retryFailedReplicaAfter().toMillis(),
                cause.getMessage());
    }

    /**
     * Measures lag and replay position; called by the prober only. A replica marked down is not probed again
     * until its retry time, so a dead one costs the prober one connection timeout per retry interval.
     */
    void probe() {
        if (isDown()) return;
        long began = System.nanoTime();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            boundWait(c);
            switch (dialect) {
                case POSTGRES -> {
                    try (ResultSet rs = s.executeQuery("select pg_is_in_recovery(), pg_last_wal_replay_lsn()::text,"
                            + " case when pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() then 0"
                            + " else coalesce(extract(epoch from now() - pg_last_xact_replay_timestamp()) * 1000, 0) end,"
                            + " coalesce(pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()), 0)")) {
                        rs.next();
                        boolean standby = rs.getBoolean(1);
                        replayedLsn = standby ? Lsn.parse(rs.getString(2)) : Long.MAX_VALUE; // a primary has replayed all
                        lagMillis = standby ? (long) rs.getDouble(3) : 0;
                        unreplayedBytes = standby ? Math.max(0, rs.getLong(4)) : 0;
                    }
                }
                case MARIADB, MYSQL -> lagMillis = mysqlLag(c, s);
                default -> lagMillis = 0; // H2 and others: no replication to measure
            }
            downUntilNanos = 0;
            probedAtNanos = began;
            measured = true;
            healthy = true;
        } catch (SQLException | RuntimeException e) {
            markDown(e);
        }
    }

    /** True when no probe of this replica is under way; the caller then probes and calls {@link #endProbe()}. */
    boolean beginProbe() {
        return probing.compareAndSet(false, true);
    }

    void endProbe() {
        probing.set(false);
    }

    /**
     * A read timeout on the probe's connection (HikariCP restores the pool's when it comes back): a query timeout is a
     * cancel request, which a hung server never answers either.
     */
    private static void boundWait(Connection c) throws SQLException {
        try {
            c.setNetworkTimeout(Runnable::run, PROBE_TIMEOUT_MS);
        } catch (java.sql.SQLFeatureNotSupportedException e) {
            // H2 in-process: nothing to wait on
        }
    }

    /**
     * MySQL 8.4 removed {@code SHOW SLAVE STATUS}; {@code SHOW REPLICA STATUS} exists from MySQL 8.0.22 and MariaDB
     * 10.5.1, so older servers keep the old statement. Its lag column is {@code Seconds_Behind_Source} on MySQL and
     * still {@code Seconds_Behind_Master} on MariaDB.
     */
    private long mysqlLag(Connection c, Statement s) throws SQLException {
        String statement = statusStatement;
        if (statement == null) {
            statement = hasReplicaStatus(c) ? "SHOW REPLICA STATUS" : "SHOW SLAVE STATUS";
            statusStatement = statement;
        }
        try (ResultSet rs = s.executeQuery(statement)) {
            if (!rs.next()) return 0; // not replicating (e.g. a reader endpoint): nothing to wait for
            String column = lagColumn(rs.getMetaData());
            long seconds = rs.getLong(column);
            if (rs.wasNull()) throw new SQLException("replication is not running (" + column + " is NULL)");
            return seconds * 1000;
        }
    }

    static boolean hasReplicaStatus(Connection c) throws SQLException {
        var md = c.getMetaData();
        String version = md.getDatabaseProductVersion();
        boolean mariadb = version.toLowerCase(java.util.Locale.ROOT).contains("mariadb")
                || md.getDatabaseProductName().toLowerCase(java.util.Locale.ROOT).contains("mariadb");
        return atLeast(version, mariadb ? new int[] {10, 5, 1} : new int[] {8, 0, 22});
    }

    /** Whether a version string such as {@code 8.0.36} or {@code 10.11.6-MariaDB} is at least {@code min}. */
    static boolean atLeast(String version, int[] min) {
        String[] parts = version.split("[^0-9]+", -1);
        int i = 0;
        for (int p = 0; p < parts.length && i < min.length; p++) {
            if (parts[p].isEmpty()) {
                if (p == 0) continue;
                break;
            }
            int n = Integer.parseInt(parts[p]);
            if (n != min[i]) return n > min[i];
            i++;
        }
        return i == min.length;
    }

    private static String lagColumn(ResultSetMetaData md) throws SQLException {
        for (int i = 1; i <= md.getColumnCount(); i++) {
            if (md.getColumnLabel(i).equalsIgnoreCase("Seconds_Behind_Source")) return "Seconds_Behind_Source";
        }
        return "Seconds_Behind_Master";
    }

    long lagMillis() {
        return lagMillis;
    }

    /** The lag at the last successful probe, in seconds; NaN before the first one (not known). */
    double lagSeconds() {
        return !measured ? Double.NaN : lagMillis / 1000.0;
    }

    /** PostgreSQL: WAL received but not yet replayed at the last probe, in bytes; NaN before the first one. */
    double lagBytes() {
        return !measured ? Double.NaN : unreplayedBytes;
    }

    /** What reads see of this replica now, for health and operators; reads state, no I/O. */
    ReplicaStatus status() {
        ReplicaSkip why = skipReason();
        boolean known = measured;
        return new ReplicaStatus(name, database, why == null, java.util.Optional.ofNullable(why).map(w -> w.tag),
                known ? java.util.Optional.of(Duration.ofMillis(lagMillis)) : java.util.Optional.empty(),
                known && measuresBytes() ? java.util.OptionalLong.of(unreplayedBytes) : java.util.OptionalLong.empty(),
                Topology.stats(name, dataSource));
    }

    /** Whether the probe measures {@link #lagBytes()} (PostgreSQL only). */
    boolean measuresBytes() {
        return dialect == SQLDialect.POSTGRES;
    }
}
