package io.shardkit.move;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkit.cluster.ShardCluster;
import io.shardkit.cluster.ShardClusterBuilder;
import io.shardkit.cluster.config.ClusterConfig.DatabaseConfig;
import io.shardkit.cluster.config.ClusterConfig.PoolConfig;
import io.shardkit.cluster.config.ClusterConfig.TopologyConfig;
import io.shardkit.router.ShardId;
import io.shardkit.test.EmbeddedShards;
import io.shardkit.test.Engine;
import io.shardkit.test.ReplicatedPostgres;
import io.shardkit.test.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * An online move between two PostgreSQL servers, as in production (the other tests move between databases of one
 * server): the subscription connects to the source over the network, the compare runs across servers, and the
 * source keeps no slot or publication afterwards.
 */
class CrossServerMoveTest {
    @Test
    void aShardMovesOnlineToAnotherServerWhileWritesGoOn() throws Exception {
        try (EmbeddedShards here = EmbeddedShards.start(Engine.POSTGRES, 3);
             ReplicatedPostgres there = ReplicatedPostgres.start(1, 1)) {
            List<TestDatabase> dbs = List.of(here.database(0), here.database(1), here.database(2), there.primaries().getFirst());
            List<String> names = List.of("control", "db0", "db1", "db2");
            for (int i = 1; i < 4; i++) {
                try (Connection c = dbs.get(i).open(); Statement s = c.createStatement()) {
                    s.execute("create table orders (id bigint primary key, customer_id bigint not null, note text)");
                }
            }
            ShardClusterBuilder b = ShardCluster.builder();
            PoolConfig pool = new PoolConfig(6, 1, 5_000L, null, null, 15_000L);
            for (int i = 0; i < 4; i++) {
                b.database(names.get(i), new DatabaseConfig(dbs.get(i).jdbcUrl(), dbs.get(i).username(), dbs.get(i).password(), null, pool));
            }
            var config = b.shard("s0", "db0").shard("s1", "db1").jump().topology(new TopologyConfig("control", 50L, true, 5_000L, "a")).toConfig();
            try (ShardCluster cluster = ShardCluster.create(config)) {
                long onS1 = 0;
                while (!cluster.shardFor(onS1).equals(ShardId.of("s1"))) onS1++;
                long key = onS1;
                AtomicLong ids = new AtomicLong();
                Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
                AtomicLong failed = new AtomicLong();
                AtomicBoolean stop = new AtomicBoolean();
                List<Thread> writers = new ArrayList<>();
                for (int w = 0; w < 3; w++) {
                    writers.add(Thread.ofVirtual().start(() -> {
                        while (!stop.get()) {
                            long id = ids.incrementAndGet();
                            try {
                                cluster.dsl(key).execute("insert into orders values (?, ?, ?)", id, key, "n" + id);
                                acknowledged.add(id);
                            } catch (RuntimeException e) {
                                failed.incrementAndGet(); // a plain dsl() write is not retried for the caller: counted below
                            }
                        }
                    }));
                }
                Thread.sleep(300);
                MoveReport r;
                try (ShardMover mover = ShardMover.configure(config).load()) {
                    r = mover.moveShard("s1", "db2", null, MoveMode.ONLINE);
                    Thread.sleep(300);
                    stop.set(true);
                    for (Thread t : writers) t.join();
                    assertTrue(r.verify().clean(), r.verify().toString());
                    assertTrue(r.verify().rows() > 0);
                    mover.finish(r.job());
                }
                Set<Long> moved = ids(dbs.get(3));
                assertEquals(acknowledged, moved, "every acknowledged write is on the other server, and only those");
                assertEquals(Set.of(), ids(dbs.get(2)), "finish deleted the source's rows");
                assertTrue(failed.get() <= acknowledged.size() / 10, "writes failed: " + failed.get());
                try (Connection c = dbs.get(2).open(); Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("select (select count(*) from pg_replication_slots) + (select count(*) from pg_publication)")) {
                    rs.next();
                    assertEquals(0, rs.getLong(1), "no slot or publication left on the source's server");
                }
            }
        }
    }

    private static Set<Long> ids(TestDatabase db) throws Exception {
        Set<Long> ids = new java.util.HashSet<>();
        try (Connection c = db.open(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select id from orders")) {
            while (rs.next()) ids.add(rs.getLong(1));
        }
        return ids;
    }
}
