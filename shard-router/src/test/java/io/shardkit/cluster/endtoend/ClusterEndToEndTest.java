package io.shardkit.cluster.endtoend;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkit.cluster.Shard;
import io.shardkit.cluster.ShardCluster;
import io.shardkit.cluster.ShardClusterBuilder;
import io.shardkit.router.ShardId;
import io.shardkit.test.EmbeddedShards;
import io.shardkit.test.Engine;
import io.shardkit.test.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.SQLDataType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The foundation's promise on real databases: 10,000 rows written through {@code cluster.dsl(key)} are each found,
 * by querying every database directly, on exactly the shard {@code shardFor} names — and on no other.
 */
class ClusterEndToEndTest {
    static final Table<Record> ROWS = table(name("kv"));
    static final Field<Long> K = field(name("k"), SQLDataType.BIGINT.notNull());
    static final Field<String> V = field(name("v"), SQLDataType.VARCHAR(64).notNull());
    static final int ROW_COUNT = 10_000;

    @ParameterizedTest
    @EnumSource(value = Engine.class, names = {"H2", "POSTGRES", "MARIADB"})
    void everyRowIsOnTheShardTheRouterNamesAndNowhereElse(Engine engine) throws Exception {
        try (EmbeddedShards dbs = EmbeddedShards.start(engine, 4); ShardCluster cluster = cluster(dbs)) {
            for (Shard s : cluster.shards()) {
                s.dsl().createTable(ROWS).columns(K, V).primaryKey(K).execute();
            }
            for (long key = 0; key < ROW_COUNT; key++) {
                long k = key * 7919 - 5_000_000; // negative and positive keys
                cluster.dsl(k).insertInto(ROWS, K, V).values(k, "value-" + k).execute();
            }

            Map<Long, ShardId> foundOn = new HashMap<>();
            for (int i = 0; i < 4; i++) {
                try (Connection c = dbs.database(i).open();
                     ResultSet rs = c.createStatement().executeQuery("select k, v from kv")) {
                    while (rs.next()) {
                        long k = rs.getLong(1);
                        assertEquals("value-" + k, rs.getString(2));
                        ShardId previous = foundOn.put(k, ShardId.of("s" + i));
                        assertNull(previous, "key " + k + " found on " + previous + " and on s" + i);
                    }
                }
            }
            assertEquals(ROW_COUNT, foundOn.size(), "every row is somewhere");
            foundOn.forEach((k, shard) -> assertEquals(cluster.shardFor(k), shard, "key " + k));
            int[] perShard = new int[4];
            foundOn.values().forEach(s -> perShard[Integer.parseInt(s.value().substring(1))]++);
            for (int n : perShard) {
                assertTrue(n > ROW_COUNT / 8, "an unbalanced spread " + java.util.Arrays.toString(perShard));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Engine.class, names = {"H2", "POSTGRES", "MARIADB"})
    void logicalShardsSharingOneDatabaseLiveInTheirOwnSchemas(Engine engine) throws Exception {
        try (EmbeddedShards dbs = EmbeddedShards.start(engine, 1)) {
            TestDatabase db = dbs.database(0);
            try (Connection c = db.open()) {
                for (String schema : List.of("ta", "tb", "tc")) {
                    c.createStatement().execute("create schema " + schema);
                }
            }
            ShardClusterBuilder b = ShardCluster.builder().database("one", db.jdbcUrl(), db.username(), db.password());
            for (String schema : List.of("ta", "tb", "tc")) {
                b.shard(schema, "one", schema);
            }
            try (ShardCluster cluster = b.jump().build()) {
                for (Shard s : cluster.shards()) {
                    s.dsl().createTable(ROWS).columns(K, V).primaryKey(K).execute();
                }
                for (long k = 0; k < 300; k++) {
                    cluster.dsl(k).insertInto(ROWS, K, V).values(k, "v").execute();
                }
                assertEquals(1, cluster.poolStats().size(), "one pool for the three logical shards");
                int total = 0;
                try (Connection c = db.open()) {
                    for (String schema : List.of("ta", "tb", "tc")) {
                        try (ResultSet rs = c.createStatement().executeQuery("select k from " + schema + ".kv")) {
                            while (rs.next()) {
                                assertEquals(ShardId.of(schema), cluster.shardFor(rs.getLong(1)));
                                total++;
                            }
                        }
                    }
                }
                assertEquals(300, total);
            }
        }
    }

    private static ShardCluster cluster(EmbeddedShards dbs) {
        ShardClusterBuilder b = ShardCluster.builder();
        IntStream.range(0, dbs.databases().size()).forEach(i -> {
            TestDatabase db = dbs.database(i);
            b.database("db" + i, db.jdbcUrl(), db.username(), db.password()).shard("s" + i, "db" + i);
        });
        return b.consistentHash(256).build();
    }
}
