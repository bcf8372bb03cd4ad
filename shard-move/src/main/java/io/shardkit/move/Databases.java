package io.shardkit.move;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.shardkit.cluster.config.ClusterConfig;
import io.shardkit.cluster.config.ClusterConfig.DatabaseConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Locale;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.conf.RenderQuotedNames;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;
import org.jooq.tools.jdbc.JDBCUtils;

/**
 * The mover's own small pools, one per database it touches, opened on first use: a move never borrows from the
 * service's pools, and its long copy never holds a connection a request needs.
 */
final class Databases implements AutoCloseable {
    private final ClusterConfig config;
    private final Map<String, HikariDataSource> pools = new LinkedHashMap<>();

    /** {@code config} has been validated (a cluster was built from it, or {@code validate()} passed). */
    Databases(ClusterConfig config) {
        this.config = config;
    }

    boolean known(String database) {
        return config.databases().containsKey(database);
    }

    DatabaseConfig config(String database) {
        return config.databases().get(database);
    }

    /** The control database, which keeps the topology and the jobs. */
    DSLContext control() {
        return dsl(config.topology().store());
    }

    /** This configuration with {@code map} as its shard map (to route by a version of the shared topology). */
    ClusterConfig configWith(io.shardkit.cluster.config.ShardMap map) {
        return config.withShardMap(map);
    }

    SQLDialect dialect(String database) {
        DatabaseConfig c = config.databases().get(database);
        if (c.dialect() == null) return JDBCUtils.dialect(c.url()).family();
        return switch (c.dialect().toLowerCase(Locale.ROOT)) {
            case "postgres", "postgresql" -> SQLDialect.POSTGRES;
            case "mysql" -> SQLDialect.MYSQL;
            case "mariadb" -> SQLDialect.MARIADB;
            default -> SQLDialect.H2;
        };
    }

    /** A context on {@code database}: names made with {@code DSL.name} unquoted (as the cluster renders them). */
    synchronized DSLContext dsl(String database) {
        DatabaseConfig db = config.databases().get(database);
        if (db == null) throw new MoveRefusedException("no database named '" + database + "' in the configuration — "
                + "add it to databases (every instance needs it before a shard can move there)");
        HikariDataSource pool = pools.computeIfAbsent(database, name -> open(name, db));
        return DSL.using(pool, dialect(database), new Settings().withRenderQuotedNames(RenderQuotedNames.EXPLICIT_DEFAULT_UNQUOTED));
    }

    private static HikariDataSource open(String name, DatabaseConfig c) {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("shardkit-move-" + name);
        hc.setJdbcUrl(c.url());
        if (c.username() != null) hc.setUsername(c.username());
        if (c.password() != null) hc.setPassword(c.password());
        hc.setMaximumPoolSize(4);
        hc.setMinimumIdle(0);
        return new HikariDataSource(hc);
    }

    @Override
    public synchronized void close() {
        pools.values().forEach(HikariDataSource::close);
        pools.clear();
    }
}
