package io.shardkit.test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A database server on which each shard is a database, created and dropped over one admin connection; the
 * engines differ only in how a database in use is dropped and how the server stops.
 */
abstract class SqlShardServer implements ShardServer {

    private static final Logger log = LoggerFactory.getLogger(SqlShardServer.class);

    private final Engine engine;
    private final String urlPrefix;
    private final String host;
    private final int port;
    private final String adminDatabase;
    private final String username;
    private final String password;
    private volatile boolean stopped;

    /** @param urlPrefix the JDBC URL up to the host, e.g. {@code jdbc:postgresql://} */
    SqlShardServer(Engine engine, String urlPrefix, String host, int port, String adminDatabase, String username, String password) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.urlPrefix = Objects.requireNonNull(urlPrefix, "urlPrefix");
        this.host = Objects.requireNonNull(host, "host");
        this.port = port;
        this.adminDatabase = Objects.requireNonNull(adminDatabase, "adminDatabase");
        this.username = Objects.requireNonNull(username, "username");
        this.password = Objects.requireNonNull(password, "password");
    }

    /** Called once on the admin connection before the databases are dropped. */
    void beforeDrops(Statement admin) throws SQLException {
    }

    /** Drops one database, also while a test still has sessions on it. */
    abstract void dropDatabase(Connection admin, Statement statement, String name) throws SQLException;

    /** Stops the server, best effort: logs and carries on, never throws. Called once. */
    abstract void shutDown();

    @Override
    public final List<TestDatabase> create(List<String> names) {
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
    public final void drop(List<TestDatabase> databases) {
        if (databases.isEmpty()) {
            return;
        }
        if (stopped) {
            log.debug("[{}] server already stopped; {} databases went with it", engine, databases.size());
            return;
        }
        try (Connection c = admin(); Statement s = c.createStatement()) {
            beforeDrops(s);
            for (TestDatabase db : databases) {
                try {
                    dropDatabase(c, s, Names.checked(db.name()));
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
    public final void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        shutDown();
    }

    final Engine engine() {
        return engine;
    }

    /** "host:port", for messages. */
    final String address() {
        return host + ":" + port;
    }

    private String url(String database) {
        return urlPrefix + host + ":" + port + "/" + database;
    }

    private Connection admin() throws SQLException {
        return DriverManager.getConnection(url(adminDatabase), username, password);
    }
}
