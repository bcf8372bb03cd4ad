package io.shardkit.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.shardkit.cluster.config.ClusterConfig.DatabaseConfig;
import io.shardkit.cluster.config.ClusterConfig.PoolConfig;
import io.shardkit.cluster.config.ClusterConfig.ReplicaConfig;
import io.shardkit.router.ShardId;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.jooq.exception.DataAccessException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The cluster's meter names, tags and units are API: each is pinned here on H2, with counts that move with the calls.
 * db0 has a replica (the same H2 database, so always caught up), db1 one that cannot connect (so always down).
 */
class ClusterMetersTest {
    /** Public: the proxy calls it from its own module. */
    public interface Notes {
        int add(@ShardKey long key, String text);

        @ReadOnly
        int count(@ShardKey long key);

        void fail(@ShardKey long key);
    }

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private ShardCluster cluster;
    private long key0;
    private long key1;

    @BeforeEach
    void start() {
        String db0 = "jdbc:h2:mem:meters_" + run + "_0;DB_CLOSE_DELAY=-1";
        PoolConfig quick = new PoolConfig(null, null, 250L, null, null);
        cluster = ShardCluster.builder().name("orders").meterRegistry(registry)
                .database("db0", new DatabaseConfig(db0, "sa", "", null, null,
                        List.of(new ReplicaConfig(db0 + ";IFEXISTS=TRUE", "sa", "", null)))) // the same database
                .database("db1", new DatabaseConfig("jdbc:h2:mem:meters_" + run + "_1;DB_CLOSE_DELAY=-1", "sa", "", null,
                        null, List.of(new ReplicaConfig("jdbc:h2:mem:absent_" + run + ";IFEXISTS=TRUE", "sa", "", quick))))
                .shard("s0", "db0").shard("s1", "db1").jump().build();
        for (Shard s : cluster.shards()) s.dsl().execute("create table notes (k bigint, text varchar(20))");
        key0 = keyOn("s0");
        key1 = keyOn("s1");
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    private long keyOn(String shard) {
        for (long k = 1; ; k++) if (cluster.shardFor(k).equals(ShardId.of(shard))) return k;
    }

    @Test
    void hikariPoolMetersPerPrimaryAndReplicaTaggedWithThePoolName() {
        Map<String, Double> max = new TreeMap<>();
        registry.find("hikaricp.connections.max").gauges().forEach(g -> max.put(g.getId().getTag("pool"), g.value()));
        assertEquals(Map.of("orders-db0", 10.0, "orders-db0-replica-0", 10.0, "orders-db1", 10.0,
                "orders-db1-replica-0", 10.0), max);
        assertNotNull(registry.find("hikaricp.connections.acquire").tag("pool", "orders-db1").timer());
    }

    @Test
    void everyRoutedStatementIsTimedByDatabaseRoleOutcomeAndException() {
        Timer ok = registry.get("shardkit.query").tags(Tags.of("cluster", "orders", "database", "db0", "role", "primary",
                "outcome", "success", "exception", "none")).timer();
        long before = ok.count(); // the CREATE TABLE
        cluster.dsl(key0).execute("insert into notes values (1, 'a')");
        cluster.dsl(key0).fetch("select * from notes");
        assertEquals(before + 2, ok.count());
        assertEquals(TimeUnit.SECONDS, ok.baseTimeUnit());
        assertTrue(ok.totalTime(TimeUnit.NANOSECONDS) > 0);

        cluster.readDsl(key0).fetch("select * from notes"); // db0's replica is caught up
        assertEquals(1, registry.get("shardkit.query").tags("database", "db0", "role", "replica", "outcome", "success",
                "exception", "none").timer().count());

        assertThrows(DataAccessException.class, () -> cluster.dsl(key1).execute("select * from missing"));
        Timer failed = registry.get("shardkit.query").tags("database", "db1", "role", "primary", "outcome", "error").timer();
        assertEquals(1, failed.count());
        assertEquals("DataAccessException", failed.getId().getTag("exception"));
        assertEquals(List.of("cluster", "database", "exception", "outcome", "role"), tagKeys(failed));
    }

    @Test
    void repositoryInvocationsAreTimedByRepositoryAndMethod() {
        Notes notes = cluster.repository(Notes.class, dsl -> new Notes() {
            public int add(long key, String text) {
                return dsl.execute("insert into notes values (?, ?)", key, text);
            }

            public int count(long key) {
                return dsl.fetchCount(dsl.selectFrom("notes"));
            }

            public void fail(long key) {
                throw new IllegalStateException("refused");
            }
        });
        notes.add(key0, "x");
        notes.add(key1, "y");
        assertThrows(IllegalStateException.class, () -> notes.fail(key0));
        FunctionTimer add = registry.get("shardkit.repository.invocations").tags("cluster", "orders", "repository", "Notes",
                "method", "add", "outcome", "success", "exception", "none").functionTimer();
        assertEquals(2, add.count());
        assertTrue(add.totalTime(java.util.concurrent.TimeUnit.NANOSECONDS) > 0, "the calls' time is summed");
        assertEquals(List.of("cluster", "exception", "method", "outcome", "repository"), tagKeys(add));
        assertEquals(1, registry.get("shardkit.repository.invocations").tags("method", "fail", "outcome", "error",
                "exception", "IllegalStateException").functionTimer().count());
        // a session's repositories are timed too
        cluster.session().repository(Notes.class).add(key0, "z");
        assertEquals(3, add.count());
    }

    @Test
    void replicaLagGaugesAndSkippedReplicasByReason() {
        Gauge lag = registry.get("shardkit.replica.lag").tags("cluster", "orders", "database", "db0", "replica",
                "db0/replica-0").gauge();
        assertEquals(0.0, lag.value()); // probed before the cluster started; H2 does not lag
        assertEquals("seconds", lag.getId().getBaseUnit());
        assertNull(registry.find("shardkit.replica.lag.bytes").gauge(), "only PostgreSQL measures bytes");
        assertTrue(Double.isNaN(registry.get("shardkit.replica.lag").tag("replica", "db1/replica-0").gauge().value()),
                "never probed successfully: unknown, not 0");

        Counter down = registry.get("shardkit.replica.skipped").tags("cluster", "orders", "database", "db1",
                "replica", "db1/replica-0", "reason", "down").counter();
        assertEquals(0, down.count());
        cluster.readDsl(key1).fetch("select * from notes");
        cluster.readDsl(key1).fetch("select * from notes");
        assertEquals(2, down.count());
        assertEquals(List.of("behind-position", "down", "lagging", "not-probed", "stale-probe"),
                registry.find("shardkit.replica.skipped").tag("replica", "db1/replica-0").counters().stream()
                        .map(c -> c.getId().getTag("reason")).sorted().toList());
    }

    @Test
    void readYourWritesFallbacksToThePrimaryByReason() {
        ShardSession session = cluster.session();
        session.dsl(key0).execute("insert into notes values (1, 'a')");
        assertSame(cluster.shard(ShardId.of("s0")).dsl().configuration().connectionProvider(),
                session.readDsl(key0).configuration().connectionProvider(), "H2 has no WAL position: the primary");
        Counter noPosition = registry.get("shardkit.read.primary.fallbacks").tags("cluster", "orders", "database", "db0",
                "reason", "no-position").counter();
        assertEquals(1, noPosition.count());
        assertEquals(List.of("cluster", "database", "reason"), tagKeys(noPosition));
        session.readDsl(key0);
        assertEquals(2, noPosition.count());
        assertEquals(List.of("no-position", "replica-behind", "sticky-after-write"), registry
                .find("shardkit.read.primary.fallbacks").tag("database", "db0").counters().stream()
                .map(c -> c.getId().getTag("reason")).sorted().toList());
    }

    @Test
    void shardTagOnlyWhenAskedAndNoKeyEverBecomesATag() {
        cluster.dsl(key0).fetch("select * from notes");
        assertTrue(registry.getMeters().stream().noneMatch(m -> m.getId().getTag("shard") != null));
        try (ShardCluster tagged = ShardCluster.builder().name("tagged").meterRegistry(registry).shardTag(true)
                .database("db0", "jdbc:h2:mem:tagged_" + run, "sa", "").shard("s0", "db0").jump().build()) {
            tagged.dsl(7L).fetch("select 1");
            assertEquals(1, registry.get("shardkit.query").tags("cluster", "tagged", "shard", "s0").timer().count());
        }
        String keys = "|" + key0 + "|" + key1 + "|";
        for (Meter m : registry.getMeters()) {
            m.getId().getTags().forEach(t -> assertTrue(!keys.contains("|" + t.getValue() + "|"), m.getId().toString()));
        }
    }

    @Test
    void theRegistryIsOfferedToOtherModulesAndTheNameIsChecked() {
        assertSame(registry, cluster.meterRegistry().orElseThrow());
        assertEquals("orders", cluster.name());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ShardCluster.builder().name("a b"));
        assertEquals("name must be letters, digits, '_', '.' or '-': 'a b'", e.getMessage());
    }

    private static List<String> tagKeys(Meter m) {
        return m.getId().getTags().stream().map(t -> t.getKey()).sorted().collect(Collectors.toList());
    }
}
