package io.shardkit.spring.boot;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Two in-memory H2 shards with fresh names for each test, and the runner every test starts from. */
final class ShardkitTestSupport {
    private static final AtomicInteger NEXT = new AtomicInteger();

    private ShardkitTestSupport() {
    }

    static ApplicationContextRunner runner() {
        return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(ShardkitAutoConfiguration.class,
                ShardkitMigrationAutoConfiguration.class, ShardkitHealthAutoConfiguration.class,
                ShardkitEndpointAutoConfiguration.class));
    }

    /** A fresh H2 database name; the database lives until SHUTDOWN (DB_CLOSE_DELAY=-1). */
    static String newDatabase(String prefix) {
        String name = prefix + NEXT.incrementAndGet();
        try (Connection c = DriverManager.getConnection(url(name) + ";DB_CLOSE_DELAY=-1", "sa", "")) {
            return name;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The cluster's URL: IFEXISTS, so that a database stopped by SHUTDOWN stays down instead of coming back empty at
     * the pool's next connection.
     */
    static String clusterUrl(String name) {
        return url(name) + ";IFEXISTS=TRUE";
    }

    static String url(String name) {
        return "jdbc:h2:mem:" + name;
    }

    /** {@code shardkit.*} for two shards on two databases, modulo on long keys. */
    static String[] twoShards(String db0, String db1, String... more) {
        List<String> p = new ArrayList<>(List.of(
                "shardkit.databases.db0.url=" + clusterUrl(db0), "shardkit.databases.db0.username=sa",
                "shardkit.databases.db1.url=" + clusterUrl(db1), "shardkit.databases.db1.username=sa",
                "shardkit.databases.db1.pool.connection-timeout-ms=250",
                "shardkit.databases.db0.pool.connection-timeout-ms=250",
                "shardkit.shards[0].id=s0", "shardkit.shards[0].database=db0",
                "shardkit.shards[1].id=s1", "shardkit.shards[1].database=db1",
                "shardkit.strategy.type=modulo", "shardkit.key-type=long"));
        p.addAll(List.of(more));
        return p.toArray(String[]::new);
    }

    static List<String> tables(String database) {
        try (Connection c = DriverManager.getConnection(clusterUrl(database), "sa", "");
             ResultSet rs = c.createStatement().executeQuery(
                     "select table_name from information_schema.tables where table_schema = 'PUBLIC' order by table_name")) {
            List<String> names = new ArrayList<>();
            while (rs.next()) names.add(rs.getString(1).toLowerCase(java.util.Locale.ROOT));
            return names;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<String> column(String database, String sql) {
        try (Connection c = DriverManager.getConnection(clusterUrl(database), "sa", "");
             ResultSet rs = c.createStatement().executeQuery(sql)) {
            List<String> values = new ArrayList<>();
            while (rs.next()) values.add(rs.getString(1));
            return values;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static void shutdown(String database) {
        try (Connection c = DriverManager.getConnection(clusterUrl(database), "sa", "")) {
            c.createStatement().execute("SHUTDOWN");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
