package io.shardkit.cluster;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What the cluster knows of one read replica now: whether reads use it and, if not, why; its lag at the last probe
 * that succeeded; its pool. Read from the background probes' last result ({@link ShardCluster#replicaStatus()}), so
 * asking costs no I/O — and the lag is as old as that probe.
 *
 * @param name       the replica's name, {@code <database>/replica-<index>} (its pool's name in {@link #pool()} too)
 * @param database   the physical database it replicates
 * @param usable     whether a read that needs no particular position would be sent to it now
 * @param skipReason empty when usable; else why reads pass it over, as the {@code reason} tag of
 *                   {@code shardkit.replica.skipped}: {@code not-probed}, {@code down}, {@code lagging},
 *                   {@code stale-probe}
 * @param lag        how far it was behind its primary at the last probe that succeeded; empty before the first one
 * @param lagBytes   PostgreSQL: WAL received but not replayed at that probe; empty on other databases and before
 *                   the first probe
 * @param pool       its HikariCP pool's numbers
 */
public record ReplicaStatus(String name, String database, boolean usable, Optional<String> skipReason,
                            Optional<Duration> lag, OptionalLong lagBytes, PoolStats pool) {
    public ReplicaStatus {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(skipReason, "skipReason");
        Objects.requireNonNull(lag, "lag");
        Objects.requireNonNull(lagBytes, "lagBytes");
        Objects.requireNonNull(pool, "pool");
        if (usable == skipReason.isPresent()) {
            throw new IllegalArgumentException("a replica has a skip reason exactly when it is not usable: usable="
                    + usable + ", skipReason=" + skipReason);
        }
    }

    @Override
    public String toString() {
        return name + " (" + (usable ? "usable" : skipReason.get()) + ", lag="
                + lag.map(l -> l.toMillis() + " ms").orElse("unknown")
                + (lagBytes.isPresent() ? ", " + lagBytes.getAsLong() + " bytes" : "") + "; pool total=" + pool.total()
                + ", active=" + pool.active() + ", idle=" + pool.idle() + ", waiting=" + pool.waiting() + ", max="
                + pool.maximumPoolSize() + ")";
    }
}
