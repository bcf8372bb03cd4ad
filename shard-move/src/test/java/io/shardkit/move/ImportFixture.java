package io.shardkit.move;

import io.shardkit.cluster.ShardCluster;
import io.shardkit.cluster.ShardClusterBuilder;
import io.shardkit.cluster.config.ClusterConfig;
import io.shardkit.cluster.config.ClusterConfig.DatabaseConfig;
import io.shardkit.cluster.config.ClusterConfig.PoolConfig;
import io.shardkit.cluster.config.ClusterConfig.TopologyConfig;
import io.shardkit.test.EmbeddedShards;
import io.shardkit.test.Engine;
import io.shardkit.test.TestDatabase;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * A legacy database beside a cluster of four shards (db0..db3, jump hash) and its control database: three tables
 * with a composite key, NULLs, decimals, timestamps and text, the same (empty) tables on every shard.
 */
final class ImportFixture implements AutoCloseable {
    static final List<String> NAMES = List.of("control", "legacy", "db0", "db1", "db2", "db3");
    static final List<String> SHARDS = List.of("db0", "db1", "db2", "db3");
    static final List<String> TABLES = List.of("customers", "events", "orders");

    final Engine engine;
    final EmbeddedShards dbs;
    private final List<ShardCluster> clusters = new ArrayList<>();

    ImportFixture(Engine engine) {
        this.engine = engine;
        this.dbs = EmbeddedShards.start(engine, NAMES.size());
    }

    TestDatabase db(String name) {
        return dbs.database(NAMES.indexOf(name));
    }

    Connection open(String name) throws SQLException {
        return db(name).open();
    }

    /** The three tables on the legacy database and every shard. */
    ImportFixture tables() throws SQLException {
        for (String db : List.of("legacy", "db0", "db1", "db2", "db3")) exec(db, ddl().toArray(String[]::new));
        return this;
    }

    List<String> ddl() {
        String ts = engine == Engine.MARIADB ? "datetime(6)" : "timestamp";
        String text = engine == Engine.H2 ? "varchar(4000)" : "text";
        return List.of(
                "create table customers (customer_id bigint primary key, name varchar(100) not null, balance decimal(12,2),"
                        + " created " + ts + " not null, note " + text + ")",
                "create table orders (customer_id bigint not null, order_id bigint not null, amount decimal(10,2) not null,"
                        + " placed " + ts + ", memo varchar(200), primary key (customer_id, order_id))",
                "create table events (id bigint primary key, customer_id bigint not null, kind varchar(20), body " + text + ")");
    }

    /** {@code customers} customers, three orders and two events each; every fifth value NULL where a NULL may be. */
    void seed(int customers) throws SQLException {
        try (Connection c = open("legacy")) {
            c.setAutoCommit(false);
            try (PreparedStatement cu = c.prepareStatement("insert into customers values (?, ?, ?, ?, ?)");
                 PreparedStatement or = c.prepareStatement("insert into orders values (?, ?, ?, ?, ?)");
                 PreparedStatement ev = c.prepareStatement("insert into events values (?, ?, ?, ?)")) {
                LocalDateTime t0 = LocalDateTime.of(2021, 3, 14, 15, 9, 26, 535_000_000);
                for (long id = 1; id <= customers; id++) {
                    cu.setLong(1, id * 7919 % 1_000_003); // keys spread over the hash, not 1..n
                    cu.setString(2, "customer " + id + " — O'Brien «ü»");
                    cu.setBigDecimal(3, id % 5 == 0 ? null : new BigDecimal(id * 13 + ".5" + id % 10));
                    cu.setTimestamp(4, Timestamp.valueOf(t0.plusSeconds(id * 3601).plusNanos(id * 1000)));
                    cu.setString(5, id % 5 == 1 ? null : "line one\nline two, id " + id + " " + "x".repeat((int) (id % 50)));
                    cu.addBatch();
                    for (long o = 1; o <= 3; o++) {
                        or.setLong(1, id * 7919 % 1_000_003);
                        or.setLong(2, o);
                        or.setBigDecimal(3, new BigDecimal((id * o) % 1000 + "." + (o * 7 % 100)));
                        or.setTimestamp(4, o == 2 ? null : Timestamp.valueOf(t0.plusDays(o).plusSeconds(id)));
                        or.setString(5, o == 3 ? null : "memo " + id + "/" + o);
                        or.addBatch();
                    }
                    for (long e = 0; e < 2; e++) {
                        ev.setLong(1, id * 2 + e);
                        ev.setLong(2, id * 7919 % 1_000_003);
                        ev.setString(3, e == 0 ? "signup" : null);
                        ev.setString(4, "{\"n\": " + id + "}");
                        ev.addBatch();
                    }
                }
                cu.executeBatch();
                or.executeBatch();
                ev.executeBatch();
            }
            c.commit();
        }
    }

    ClusterConfig config(String instance) {
        ShardClusterBuilder b = ShardCluster.builder();
        PoolConfig pool = new PoolConfig(6, 0, 5_000L, null, null, 15_000L);
        for (String db : NAMES) b.database(db, new DatabaseConfig(db(db).jdbcUrl(), db(db).username(), db(db).password(), null, pool));
        for (int i = 0; i < SHARDS.size(); i++) b.shard("s" + i, SHARDS.get(i));
        return b.jump().topology(new TopologyConfig("control", 50L, true, 5_000L, instance)).toConfig();
    }

    /** The same cluster as a shards.yml, for a mover in another process. */
    Path yaml(Path dir) throws Exception {
        StringBuilder y = new StringBuilder("databases:\n");
        for (String db : NAMES) {
            TestDatabase d = db(db);
            y.append("  ").append(db).append(": { url: \"").append(d.jdbcUrl()).append("\", username: ").append(d.username())
                    .append(", password: \"").append(d.password()).append("\" }\n");
        }
        y.append("shards:\n");
        for (int i = 0; i < SHARDS.size(); i++) y.append("  - { id: s").append(i).append(", database: ").append(SHARDS.get(i)).append(" }\n");
        y.append("strategy: { type: jump }\ntopology: { store: control, instance: app }\n");
        return Files.writeString(dir.resolve("shards.yml"), y);
    }

    /** An instance of the cluster (started, it publishes version 1 when the store has none). */
    ShardCluster instance(String name) {
        ShardCluster c = ShardCluster.create(config(name));
        clusters.add(c);
        return c;
    }

    void exec(String db, String... sql) throws SQLException {
        try (Connection c = open(db); Statement s = c.createStatement()) {
            for (String q : sql) s.execute(q);
        }
    }

    long count(String db, String sql) throws SQLException {
        try (Connection c = open(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Every row of {@code table} on {@code db} as text, in key order (the first column(s)). */
    List<String> rows(String db, String table) throws SQLException {
        String order = table.equals("orders") ? "customer_id, order_id" : table.equals("events") ? "id" : "customer_id";
        List<String> rows = new ArrayList<>();
        try (Connection c = open(db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select * from " + table + " order by " + order)) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    Object v = rs.getObject(i);
                    row.append(v instanceof BigDecimal d ? d.stripTrailingZeros().toPlainString() : String.valueOf(v)).append('|');
                }
                rows.add(row.toString());
            }
        }
        return rows;
    }

    /** Every row of {@code table} over the four shards, each shard's rows checked to be there by the router. */
    List<String> shardRows(String table) throws SQLException {
        List<String> all = new ArrayList<>();
        for (String db : SHARDS) all.addAll(rows(db, table));
        return all;
    }

    @Override
    public void close() {
        clusters.forEach(ShardCluster::close);
        dbs.close();
    }
}
