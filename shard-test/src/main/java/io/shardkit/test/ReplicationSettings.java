package io.shardkit.test;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The server settings of {@link ReplicatedPostgres}: one configuration for the primary and every replica, since a
 * hot standby refuses to start with a smaller max_connections, max_wal_senders, ... than its primary.
 */
final class ReplicationSettings {

    static final Map<String, String> SERVER_CONFIG = serverConfig();

    private ReplicationSettings() {
    }

    /** The slot and the application name of replica {@code number} on the primary. */
    static String slotName(int number) {
        return "shardkit_replica_" + number;
    }

    private static Map<String, String> serverConfig() {
        Map<String, String> config = new LinkedHashMap<>();
        // Throw-away data, as on the shared server.
        config.put("fsync", "off");
        config.put("full_page_writes", "off"); // pg_backup_start forces them on while the backup runs
        // On, unlike the shared server: a commit then returns only once its WAL is written, so the
        // pg_current_wal_lsn() that awaitReplayCaughtUp reads afterwards covers it. Without
        // synchronous_standby_names no commit ever waits for a replica.
        config.put("synchronous_commit", "on");
        config.put("max_connections", String.valueOf(PostgresServer.MAX_CONNECTIONS));
        config.put("wal_level", "replica");
        // Atomic transactions across shards prepare their branches (0, the default, refuses PREPARE TRANSACTION); a
        // standby needs at least the primary's value.
        config.put("max_prepared_transactions", String.valueOf(PostgresServer.MAX_PREPARED_TRANSACTIONS));
        // Each replica holds a WAL sender and a slot on the primary.
        config.put("max_wal_senders", String.valueOf(ReplicatedPostgres.MAX_REPLICAS + 2));
        config.put("max_replication_slots", String.valueOf(ReplicatedPostgres.MAX_REPLICAS + 2));
        // No wal_keep_size: each replica's slot keeps exactly the WAL it still needs, also while stopped.
        config.put("hot_standby", "on");
        // A long read on a replica is not cancelled because the primary vacuumed rows it still sees.
        config.put("hot_standby_feedback", "on");
        // How soon a replica tries the primary again once streaming broke (the primary killed or restarting); the
        // default 5 s would be most of the time a restarted primary waits for its replicas. Each failed try logs a line.
        config.put("wal_retrieve_retry_interval", "200ms");
        return Map.copyOf(config);
    }
}
