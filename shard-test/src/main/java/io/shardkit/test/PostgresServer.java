package io.shardkit.test;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A PostgreSQL server (embedded or in a container) on which each shard is a database. */
final class PostgresServer extends SqlShardServer {

    private static final Logger log = LoggerFactory.getLogger(PostgresServer.class);

    /** Room for a connection pool per shard across a whole test run. */
    static final int MAX_CONNECTIONS = 300;
    /** Prepared branches a server keeps at once: every concurrent atomic transaction across shards holds one per participant. */
    static final int MAX_PREPARED_TRANSACTIONS = 100;

    private final Runnable stopper;

    PostgresServer(Engine engine, String host, int port, String adminDatabase, String username, String password, Runnable stopper) {
        super(engine, "jdbc:postgresql://", host, port, adminDatabase, username, password);
        this.stopper = Objects.requireNonNull(stopper, "stopper");
    }

    /** Starts zonky's embedded PostgreSQL tuned for throw-away data: no fsync, no durable commits. */
    static PostgresServer startEmbedded() {
        long started = System.nanoTime();
        EmbeddedPostgres pg;
        try {
            pg = EmbeddedPostgres.builder()
                    // SharedServers owns the one shutdown hook, so the stop order is ours.
                    .setRegisterShutdownHook(false)
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .setServerConfig("full_page_writes", "off")
                    .setServerConfig("max_connections", String.valueOf(MAX_CONNECTIONS))
                    // online shard moves replicate between databases of this server by logical replication
                    .setServerConfig("wal_level", "logical")
                    // atomic transactions across shards prepare their branches
                    .setServerConfig("max_prepared_transactions", String.valueOf(MAX_PREPARED_TRANSACTIONS))
                    .start();
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("[POSTGRES] embedded PostgreSQL failed to start: " + e.getMessage()
                    + " — check that java.io.tmpdir (" + System.getProperty("java.io.tmpdir")
                    + ") is writable and not mounted noexec", e);
        }
        log.info("[POSTGRES] embedded PostgreSQL started on localhost:{} in {} ms", pg.getPort(), (System.nanoTime() - started) / 1_000_000);
        // zonky's cluster trusts local connections, so the password is not checked.
        return new PostgresServer(Engine.POSTGRES, "localhost", pg.getPort(), "postgres", "postgres", "", () -> {
            try {
                pg.close();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Override
    void dropDatabase(Connection admin, Statement statement, String name) throws SQLException {
        // FORCE ends sessions a test left open, which would otherwise block the drop.
        statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    @Override
    void shutDown() {
        try {
            stopper.run();
        } catch (RuntimeException e) {
            log.warn("[{}] could not stop PostgreSQL on {}: {}", engine(), address(), e.getMessage());
        }
    }
}
