package io.shardkit.bench.fanout;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.table;

import io.shardkit.cluster.Shard;
import io.shardkit.cluster.ShardCluster;
import io.shardkit.router.ShardId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.SQLDataType;

/**
 * The benchmarks' table, {@code events(id, score, category, payload)}, and its loader. Ids 1..n are placed by the
 * cluster's router; every other column is derived from the id on the server, so loading sends only the ids.
 * {@code score} repeats (about 1.6 ids per value) so that the tie-breaker {@code id} matters.
 */
final class Events {
    static final Table<Record> EVENTS = table(name("events"));
    static final Field<Long> ID = field(name("id"), SQLDataType.BIGINT.notNull());
    static final Field<Long> SCORE = field(name("score"), SQLDataType.BIGINT.notNull());
    static final Field<Integer> CATEGORY = field(name("category"), SQLDataType.INTEGER.notNull());
    static final Field<String> PAYLOAD = field(name("payload"), SQLDataType.VARCHAR.notNull());

    private Events() {
    }

    /** Ids sent per INSERT: the loader's heap stays small enough for the benchmarks' 64 MB runs. */
    private static final int CHUNK = 20_000;

    /**
     * Creates {@code events} on every shard, inserts ids {@code 1..rows} where the router places them, indexes
     * {@code (score DESC, id)} — the order the benchmarks read — and analyzes. Returns the row count per shard.
     * Each shard's loader walks all the ids and keeps its own (routing is ~20 ns a key), a chunk at a time.
     */
    static Map<ShardId, Integer> load(ShardCluster cluster, int rows, int scoreRange) throws Exception {
        Map<ShardId, Future<Integer>> loads = new LinkedHashMap<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            for (Shard s : cluster.shards()) {
                loads.put(s.id(), pool.submit(() -> loadShard(cluster, s, rows, scoreRange)));
            }
            Map<ShardId, Integer> spread = new LinkedHashMap<>();
            for (Map.Entry<ShardId, Future<Integer>> e : loads.entrySet()) spread.put(e.getKey(), e.getValue().get());
            return spread;
        }
    }

    private static int loadShard(ShardCluster cluster, Shard shard, int rows, int scoreRange) throws SQLException {
        int loaded = 0;
        try (Connection c = shard.dataSource().getConnection()) {
            try (Statement s = c.createStatement()) {
                s.execute("drop table if exists events");
                s.execute("create table events (id bigint primary key, score bigint not null, category int not null,"
                        + " payload varchar not null)");
            }
            // Multiplicative hash of the id: scores spread evenly over [0, scoreRange), independent of the shard.
            try (PreparedStatement p = c.prepareStatement("insert into events (id, score, category, payload)"
                    + " select g, (g * 2654435761) % " + scoreRange + ", g % 100, md5(g::text) from unnest(?::bigint[]) g")) {
                long[] chunk = new long[CHUNK];
                int n = 0;
                for (long id = 1; id <= rows; id++) {
                    if (!cluster.shardFor(id).equals(shard.id())) continue;
                    chunk[n++] = id;
                    if (n == CHUNK) {
                        p.setObject(1, chunk);
                        p.executeUpdate();
                        loaded += n;
                        n = 0;
                    }
                }
                if (n > 0) {
                    p.setObject(1, Arrays.copyOf(chunk, n));
                    p.executeUpdate();
                    loaded += n;
                }
            }
            try (Statement s = c.createStatement()) {
                s.execute("create index events_score_id on events (score desc, id)");
                s.execute("vacuum analyze events");
            }
        }
        return loaded;
    }
}
