package io.shardkit.cluster;

/** A snapshot of one physical database's HikariCP pool. */
public record PoolStats(String database, int total, int active, int idle, int waiting, int maximumPoolSize) {
    @Override
    public String toString() {
        return database + " (total=" + total + ", active=" + active + ", idle=" + idle + ", waiting=" + waiting
                + ", max=" + maximumPoolSize + ")";
    }
}
