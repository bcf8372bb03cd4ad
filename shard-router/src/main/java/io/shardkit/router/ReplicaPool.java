package io.shardkit.router;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jooq.SQLDialect;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One read replica of a physical database: its pool, and what is known of its health, lag and (PostgreSQL)
 * replay position. Measurements are cached for {@link ReadPolicy#lagCheckInterval()} so that a read pays for a
 * check only now and then; a replica that fails is left alone for {@link ReadPolicy#retryFailedReplicaAfter()}.
 */
final class ReplicaPool {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaPool.class);

    final String name;
    final HikariDataSource dataSource;
    private final SQLDialect dialect;
    private final ReadPolicy policy;
    private final AtomicBoolean measuring = new AtomicBoolean();
    private volatile long downUntilNanos;
    private volatile long lagMillis;
    private volatile long replayedLsn = -1;
    private volatile long measuredAtNanos;

    ReplicaPool(String name, HikariDataSource dataSource, SQLDialect dialect, ReadPolicy policy) {
        this.name = name;
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.policy = policy;
        this.measuredAtNanos = System.nanoTime() - policy.lagCheckInterval().toNanos() - 1; // measure on first use
    }

    /** Usable for a read that needs nothing newer than the lag bound allows. */
    boolean usable() {
        if (isDown()) return false;
        refreshIfStale();
        return !isDown() && lagMillis <= policy.maxReplicaLag().toMillis();
    }

    /** Usable for a read that must see everything up to {@code lsn} (PostgreSQL WAL position). */
    boolean hasReplayed(long lsn) {
        if (!usable()) return false;
        if (replayedLsn >= lsn) return true;
        measure(); // the cached position is behind: look again before giving up on this replica
        return !isDown() && replayedLsn >= lsn;
    }

    boolean isDown() {
        return downUntilNanos != 0 && System.nanoTime() - downUntilNanos < 0;
    }

    void markDown(Throwable cause) {
        downUntilNanos = System.nanoTime() + policy.retryFailedReplicaAfter().toNanos();
        if (downUntilNanos == 0) downUntilNanos = 1;
        LOG.warn("replica {} failed and is skipped for {} ms: {}", name, policy.retryFailedReplicaAfter().toMillis(),
                cause.getMessage());
    }

    private void refreshIfStale() {
        if (System.nanoTime() - measuredAtNanos >= policy.lagCheckInterval().toNanos()) {
            measure();
        }
    }

    /** Measures lag and replay position; one thread at a time, others keep the last values. */
    private void measure() {
        if (!measuring.compareAndSet(false, true)) return;
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.setQueryTimeout(5);
            switch (dialect) {
                case POSTGRES -> {
                    try (ResultSet rs = s.executeQuery("select pg_is_in_recovery(), pg_last_wal_replay_lsn()::text,"
                            + " case when pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() then 0"
                            + " else coalesce(extract(epoch from now() - pg_last_xact_replay_timestamp()) * 1000, 0) end")) {
                        rs.next();
                        boolean standby = rs.getBoolean(1);
                        replayedLsn = standby ? Lsn.parse(rs.getString(2)) : Long.MAX_VALUE; // a primary has replayed all
                        lagMillis = standby ? (long) rs.getDouble(3) : 0;
                    }
                }
                case MARIADB, MYSQL -> lagMillis = mysqlLag(s);
                default -> lagMillis = 0; // H2 and others: no replication to measure
            }
            measuredAtNanos = System.nanoTime();
            downUntilNanos = 0;
        } catch (SQLException | RuntimeException e) {
            measuredAtNanos = System.nanoTime();
            markDown(e);
        } finally {
            measuring.set(false);
        }
    }

    private static long mysqlLag(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("SHOW SLAVE STATUS")) {
            if (!rs.next()) return 0; // not replicating (e.g. a reader endpoint): nothing to wait for
            long seconds = rs.getLong("Seconds_Behind_Master");
            if (rs.wasNull()) throw new SQLException("replication is not running (Seconds_Behind_Master is NULL)");
            return seconds * 1000;
        }
    }

    long lagMillis() {
        return lagMillis;
    }
}
