package io.shardkit.test;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A PostgreSQL server (embedded or in a container) on which each shard is a database. */
final class PostgresServer implements ShardServer {

    private static final Logger log = LoggerFactory.getLogger(PostgresServer.class);

    /** Room for a connection pool per shard across a whole test run. */
    static final int MAX_CONNECTIONS = 300;

    private final Engine engine;
    private final String host;
    private final int port;
    private final String adminDatabase;
    private final String username;
    private final String password;
    private final Runnable stopper;
    private volatile boolean stopped;

    PostgresServer(Engine engine, String host, int port, String adminDatabase, String username, String password, Runnable stopper) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.host = Objects.requireNonNull(host, "host");
        this.port = port;
        this.adminDatabase = Objects.requireNonNull(adminDatabase, "adminDatabase");
        this.username = Objects.requireNonNull(username, "username");
        this.password = Objects.requireNonNull(password, "password");
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
    public List<TestDatabase> create(List<String> names) {
        List<TestDatabase> created = new ArrayList<>(names.size());
        try (Connection c = admin(); Statement s = c.createStatement()) {
            for (String name : names) {
                s.execute("CREATE DATABASE " + Names.checked(name));
                created.add(new TestDatabase(name, url(name), username, password, engine));
            }
        } catch (SQLException e) {
            drop(created);
            throw new IllegalStateException("[" + engine + "] could not create databases on " + host + ":" + port
                    + " (" + created.size() + " of " + names.size() + " created, SQLState " + e.getSQLState() + "): "
                    + e.getMessage(), e);
        }
        return created;
    }

    @Override
    public void drop(List<TestDatabase> databases) {
        if (databases.isEmpty()) {
            return;
        }
        if (stopped) {
            log.debug("[{}] server already stopped; {} databases went with it", engine, databases.size());
            return;
        }
        try (Connection c = admin(); Statement s = c.createStatement()) {
            for (TestDatabase db : databases) {
                try {
                    // FORCE ends sessions a test left open, which would otherwise block the drop.
                    s.execute("DROP DATABASE IF EXISTS " + Names.checked(db.name()) + " WITH (FORCE)");
                } catch (SQLException e) {
                    log.warn("[{}] could not drop database {} (SQLState {}): {}", engine, db.name(), e.getSQLState(), e.getMessage());
                }
            }
        } catch (SQLException e) {
            log.warn("[{}] could not connect to {}:{} to drop {} databases (SQLState {}): {}",
                    engine, host, port, databases.size(), e.getSQLState(), e.getMessage());
        }
    }

    @Override
    public void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        try {
            stopper.run();
        } catch (RuntimeException e) {
            log.warn("[{}] could not stop PostgreSQL on {}:{}: {}", engine, host, port, e.getMessage());
        }
    }

    private String url(String database) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    private Connection admin() throws SQLException {
        return DriverManager.getConnection(url(adminDatabase), username, password);
    }
}
