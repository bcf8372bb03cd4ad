package io.shardkit.migrate;

import io.shardkit.cluster.ShardCluster;
import io.shardkit.cluster.ShardClusterBuilder;
import io.shardkit.cluster.config.ClusterConfig.DatabaseConfig;
import io.shardkit.cluster.config.ClusterConfig.PoolConfig;
import io.shardkit.test.EmbeddedShards;
import io.shardkit.test.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Test fleets: a cluster over {@link EmbeddedShards} databases, migration sets copied into a folder, SQL helpers. */
public final class Fleet {
    private Fleet() {
    }

    /** Shards s0..sN-1, one per database, with small pools (a test server holds many databases). */
    public static ShardCluster cluster(EmbeddedShards databases) {
        return cluster(databases, null);
    }

    public static ShardCluster cluster(EmbeddedShards databases, String password) {
        ShardClusterBuilder b = ShardCluster.builder();
        List<TestDatabase> dbs = databases.databases();
        for (int i = 0; i < dbs.size(); i++) {
            TestDatabase db = dbs.get(i);
            b.database("db" + i, new DatabaseConfig(db.jdbcUrl(), db.username(), password != null ? password : db.password(),
                    null, new PoolConfig(3, 0, 20_000L, null, null)));
            b.shard("s" + i, "db" + i);
        }
        return b.jump().build();
    }

    /** Copies the migration sets (folders under {@code fleet/} in the test resources) into {@code dir}. */
    public static Path migrations(Path dir, String... sets) {
        try {
            Files.createDirectories(dir);
            for (String set : sets) {
                Path from = Path.of(Fleet.class.getResource("/fleet/" + set).toURI());
                try (Stream<Path> files = Files.list(from)) {
                    for (Path f : files.toList()) Files.copy(f, dir.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String location(Path dir) {
        return "filesystem:" + dir.toAbsolutePath();
    }

    /** The first column of every row of {@code sql} on {@code db}, as text. */
    public static List<String> query(TestDatabase db, String sql) {
        try (Connection c = db.open(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<String> out = new ArrayList<>();
            while (rs.next()) out.add(rs.getString(1));
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(db.name() + ": " + sql + " — " + e.getMessage(), e);
        }
    }

    public static void execute(TestDatabase db, String sql) {
        try (Connection c = db.open(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(db.name() + ": " + sql + " — " + e.getMessage(), e);
        }
    }

    /** The one value {@code sql} selects. */
    public static String value(TestDatabase db, String sql) {
        return query(db, sql).getFirst();
    }

    /** On PostgreSQL: the highest version applied successfully, or {@code empty} where Flyway never ran. */
    public static String postgresVersion(TestDatabase db) {
        if (value(db, "SELECT to_regclass('public.flyway_schema_history') IS NOT NULL").equals("f")) return "empty";
        return value(db, "SELECT COALESCE(MAX(version::int)::text, 'empty') FROM flyway_schema_history"
                + " WHERE success AND version IS NOT NULL");
    }
}
