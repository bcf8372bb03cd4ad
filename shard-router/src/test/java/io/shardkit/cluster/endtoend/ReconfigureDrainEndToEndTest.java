package io.shardkit.cluster.endtoend;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.shardkit.cluster.ShardCluster;
import io.shardkit.cluster.ShardKey;
import io.shardkit.cluster.config.ClusterConfig.DatabaseConfig;
import io.shardkit.cluster.config.ClusterConfig.PoolConfig;
import io.shardkit.cluster.config.ClusterConfig;
import io.shardkit.router.ShardId;
import io.shardkit.test.EmbeddedShards;
import io.shardkit.test.Engine;
import io.shardkit.test.TestDatabase;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jooq.Cursor;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record1;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.SQLDataType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code reconfigure()} retires a replaced pool instead of closing it: work under way on it finishes, and the pool
 * closes once its last connection is back. Pool settings HikariCP can change live are changed in place.
 */
class ReconfigureDrainEndToEndTest {
    static final Table<Record> T = table(name("drained"));
    static final Field<Long> ID = field(name("id"), SQLDataType.BIGINT.notNull());
    static final ShardId S0 = ShardId.of("s0");
    static final long KEY = 1;

    static EmbeddedShards dbs;
    ShardCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        dbs = EmbeddedShards.start(Engine.POSTGRES, 1);
        try (Connection c = dbs.database(0).open()) {
            c.createStatement().execute("create table drained (id bigint primary key)");
        }
    }

    @AfterAll
    static void stop() {
        dbs.close();
    }

    @BeforeEach
    void open() {
        cluster = ShardCluster.create(config(db().jdbcUrl(), 2));
        cluster.dsl(KEY).deleteFrom(T).execute();
    }

    @AfterEach
    void close() {
        cluster.close();
    }

    static TestDatabase db() {
        return dbs.database(0);
    }

    static ClusterConfig config(String url, int maximumPoolSize) {
        return ShardCluster.builder()
                .database("db0", new DatabaseConfig(url, db().username(), db().password(), null,
                        new PoolConfig(maximumPoolSize, 0, 5_000L, null, null)))
                .shard("s0", "db0").jump().toConfig();
    }

    /** The same database under a URL that differs only by a harmless parameter: a new pool, same data. */
    static String otherUrl() {
        String url = db().jdbcUrl();
        return url + (url.contains("?") ? "&" : "?") + "ApplicationName=reconfigured";
    }

    HikariDataSource pool() {
        return (HikariDataSource) cluster.shard(S0).dataSource();
    }

    @Test
    void aTransactionOpenAcrossAReconfigureThatReplacesItsPoolCommits() {
        HikariDataSource before = pool();
        cluster.inTransaction(KEY, tx -> {
            tx.insertInto(T, ID).values(1L).execute();
            cluster.reconfigure(config(otherUrl(), 2));
            tx.insertInto(T, ID).values(2L).execute();
            return null;
        });
        assertNotSame(before, pool(), "a new URL opens a new pool");
        assertEquals(List.of(1L, 2L), cluster.dsl(KEY).select(ID).from(T).orderBy(ID).fetch(ID));
    }

    @Test
    void aCursorOpenAcrossAReconfigureReadsAllItsRows() {
        cluster.dsl(KEY).insertInto(T, ID).select(cluster.dsl(KEY)
                .select(field("g", Long.class)).from("generate_series(1, 1000) g")).execute();
        List<Long> read = new ArrayList<>();
        cluster.inTransaction(KEY, tx -> {  // a transaction, so PostgreSQL streams in fetchSize batches
            try (Cursor<Record1<Long>> cursor = tx.select(ID).from(T).orderBy(ID).fetchSize(50).fetchLazy()) {
                for (int i = 0; i < 100 && cursor.hasNext(); i++) read.add(cursor.fetchNext().value1());
                cluster.reconfigure(config(otherUrl(), 2));
                while (cursor.hasNext()) read.add(cursor.fetchNext().value1());
            }
            return null;
        });
        assertEquals(1000, read.size());
        assertEquals(1000L, read.getLast());
    }

    @Test
    void aPoolSizeChangeKeepsThePoolAndTakesEffect() throws Exception {
        HikariDataSource before = pool();
        String poolName = before.getPoolName();
        cluster.reconfigure(config(db().jdbcUrl(), 4));
        assertSame(before, pool(), "only a live setting changed: the same pool");
        assertEquals(poolName, pool().getPoolName());
        assertFalse(before.isClosed());
        assertEquals(4, before.getMaximumPoolSize());
        assertEquals(4, cluster.poolStats("db0").maximumPoolSize());
        // Four connections at once from a pool that had room for two (its connection timeout is 5 s).
        List<Connection> held = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) held.add(before.getConnection());
            assertEquals(4, cluster.poolStats("db0").active());
        } finally {
            for (Connection c : held) c.close();
        }
    }

    /** A repository whose factory can be made to fail. */
    public interface Counter {
        long count(@ShardKey long key);
    }

    record JooqCounter(DSLContext dsl) implements Counter {
        @Override
        public long count(long key) {
            return dsl.fetchCount(T);
        }
    }

    @Test
    void aFailingRepositoryFactoryFailsTheReconfigureAndKeepsTheOldTopology() {
        AtomicBoolean failing = new AtomicBoolean();
        Counter counter = cluster.repository(Counter.class, dsl -> {
            if (failing.get()) throw new IllegalStateException("factory down");
            return new JooqCounter(dsl);
        });
        cluster.dsl(KEY).insertInto(T, ID).values(7L).execute();
        HikariDataSource before = pool();
        failing.set(true);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> cluster.reconfigure(config(otherUrl(), 2)));
        assertEquals("factory down", e.getMessage());
        assertSame(before, pool(), "the old topology stays");
        assertFalse(before.isClosed());
        assertEquals(1, counter.count(KEY), "the repository still works on the old topology");
        assertEquals(1, cluster.dsl(KEY).fetchCount(T));
    }

    @Test
    void aRetiredPoolClosesOnceItsLastConnectionIsBack() throws Exception {
        HikariDataSource before = pool();
        Connection held = before.getConnection();
        try {
            cluster.reconfigure(config(otherUrl(), 2));
            assertNotSame(before, pool());
            assertFalse(before.isClosed(), "a retired pool with a borrowed connection stays open");
            assertEquals(1, held.createStatement().executeQuery("select 1").next() ? 1 : 0);
            assertEquals(0, cluster.dsl(KEY).fetchCount(T), "new work goes to the new pool");
        } finally {
            held.close();
        }
        // Bounded only so a broken build fails instead of hanging; the close itself is expected far sooner.
        long deadline = System.nanoTime() + Duration.ofSeconds(25).toNanos();
        while (!before.isClosed() && System.nanoTime() - deadline < 0) Thread.sleep(20);
        assertTrue(before.isClosed(), "the drained pool was closed");
    }
}
