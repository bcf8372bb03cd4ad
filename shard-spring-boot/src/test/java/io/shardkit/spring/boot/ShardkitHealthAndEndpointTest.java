package io.shardkit.spring.boot;

import static io.shardkit.spring.boot.ShardkitTestSupport.clusterUrl;
import static io.shardkit.spring.boot.ShardkitTestSupport.newDatabase;
import static io.shardkit.spring.boot.ShardkitTestSupport.runner;
import static io.shardkit.spring.boot.ShardkitTestSupport.shutdown;
import static io.shardkit.spring.boot.ShardkitTestSupport.twoShards;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.health.actuate.endpoint.StatusAggregator;
import org.springframework.context.ApplicationContext;

/** The shardkit health contributor (one child per database, down-when any/all) and the shardkit endpoint. */
class ShardkitHealthAndEndpointTest {

    @Test
    void eachDatabaseHasAHealthWithItsPoolAndShards() {
        String db0 = newDatabase("health"), db1 = newDatabase("health");
        runner().withPropertyValues(twoShards(db0, db1)).run(context -> {
            CompositeHealthContributor shardkit = contributor(context);
            assertThat(shardkit.stream().map(c -> c.name())).containsExactly("db0", "db1");
            Health db0Health = health(shardkit, "db0");
            assertThat(db0Health.getStatus()).isEqualTo(Status.UP);
            assertThat(db0Health.getDetails()).containsEntry("shards", List.of("s0"));
            assertThat(((Map<?, ?>) db0Health.getDetails().get("pool")).keySet()).extracting(Object::toString)
                    .containsExactlyInAnyOrder("total", "active", "idle", "waiting", "max");
        });
    }

    /**
     * The replica is another H2 database (H2 has no replication, so its lag is 0); stopping it makes the probes mark it
     * down, which shows in its details while the database, whose reads now go to the primary, stays UP.
     */
    @Test
    void aDatabasesHealthListsItsReplicasAndADownReplicaLeavesTheDatabaseUp() {
        String db0 = newDatabase("replicated"), db1 = newDatabase("replicated"), replica = newDatabase("replica");
        runner().withPropertyValues(twoShards(db0, db1, "shardkit.databases.db0.replicas[0].url=" + clusterUrl(replica),
                "shardkit.databases.db0.replicas[0].username=sa",
                "shardkit.databases.db0.replicas[0].pool.connection-timeout-ms=250",
                "shardkit.reads.lag-check-interval-ms=20", "shardkit.reads.retry-failed-replica-after-ms=100",
                "management.endpoints.web.exposure.include=shardkit")).run(context -> {
            CompositeHealthContributor shardkit = contributor(context);
            Map<?, ?> replicas = (Map<?, ?>) health(shardkit, "db0").getDetails().get("replicas");
            assertThat(replicas.keySet()).extracting(Object::toString).containsExactly("db0/replica-0");
            @SuppressWarnings("unchecked")
            Map<String, Object> up = (Map<String, Object>) replicas.get("db0/replica-0");
            assertThat(up).containsEntry("usable", true).containsEntry("lagMs", 0L)
                    .doesNotContainKeys("skipReason", "lagBytes"); // bytes are measured on PostgreSQL only
            assertThat(((Map<?, ?>) up.get("pool")).keySet()).extracting(Object::toString)
                    .containsExactly("total", "active", "idle", "waiting", "max");
            assertThat(health(shardkit, "db1").getDetails()).doesNotContainKey("replicas");
            // the endpoint shows them too
            ShardkitEndpoint.Description d = context.getBean(ShardkitEndpoint.class).describe();
            assertThat(d.databases().get("db0").replicas()).extracting(io.shardkit.cluster.ReplicaStatus::name)
                    .containsExactly("db0/replica-0");
            assertThat(d.databases().get("db1").replicas()).isEmpty();

            shutdown(replica);
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
            while (!"down".equals(replicaDetail(shardkit, "skipReason")) && System.nanoTime() < deadline) Thread.sleep(10);
            assertThat(replicaDetail(shardkit, "skipReason")).isEqualTo("down");
            assertThat(replicaDetail(shardkit, "usable")).isEqualTo(false);
            assertThat(health(shardkit, "db0").getStatus()).isEqualTo(Status.UP);
            assertThat(aggregate(shardkit)).isEqualTo(Status.UP);
        });
    }

    private static Object replicaDetail(CompositeHealthContributor shardkit, String key) {
        Map<?, ?> replicas = (Map<?, ?>) health(shardkit, "db0").getDetails().get("replicas");
        return ((Map<?, ?>) replicas.get("db0/replica-0")).get(key);
    }

    @Test
    void downWhenAnyIsDownAsSoonAsOneDatabaseStops() {
        String db0 = newDatabase("any"), db1 = newDatabase("any");
        runner().withPropertyValues(twoShards(db0, db1)).run(context -> {
            shutdown(db1);
            context.getBean(ShardHealthMonitor.class).probeAll();
            CompositeHealthContributor shardkit = contributor(context);
            assertThat(health(shardkit, "db1").getStatus()).isEqualTo(Status.DOWN);
            assertThat(health(shardkit, "db1").getDetails().get("problem").toString()).startsWith("no connection");
            assertThat(health(shardkit, "db0").getStatus()).isEqualTo(Status.UP);
            assertThat(aggregate(shardkit)).isEqualTo(Status.DOWN);
        });
    }

    @Test
    void downWhenAllStaysUpUntilEveryDatabaseStops() {
        String db0 = newDatabase("all"), db1 = newDatabase("all");
        runner().withPropertyValues(twoShards(db0, db1, "shardkit.health.down-when=all")).run(context -> {
            ShardHealthMonitor monitor = context.getBean(ShardHealthMonitor.class);
            CompositeHealthContributor shardkit = contributor(context);
            shutdown(db1);
            monitor.probeAll();
            assertThat(health(shardkit, "db1").getStatus().getCode()).isEqualTo("DEGRADED");
            assertThat(aggregate(shardkit)).isEqualTo(Status.UP);

            shutdown(db0);
            monitor.probeAll();
            assertThat(health(shardkit, "db0").getStatus()).isEqualTo(Status.DOWN);
            assertThat(health(shardkit, "db1").getStatus()).isEqualTo(Status.DOWN);
            assertThat(aggregate(shardkit)).isEqualTo(Status.DOWN);
        });
    }

    @Test
    void theEndpointShowsTopologyShardsPerDatabaseSchemaVersionsAndPools() {
        String db0 = newDatabase("endpoint"), db1 = newDatabase("endpoint");
        runner().withPropertyValues(twoShards(db0, db1, "shardkit.migration.on-startup=migrate",
                        "shardkit.migration.locations=classpath:db/shards", "management.endpoints.web.exposure.include=shardkit"))
                .run(context -> {
                    ShardkitEndpoint.Description d = context.getBean(ShardkitEndpoint.class).describe();
                    assertThat(d.topologyVersion()).isZero(); // a static topology
                    assertThat(d.databases().keySet()).containsExactly("db0", "db1");
                    assertThat(d.databases().get("db1").shards()).containsExactly("s1");
                    assertThat(d.databases().get("db1").pool().database()).isEqualTo("db1");
                    assertThat(d.databases().get("db1").pool().maximumPoolSize()).isPositive();
                    assertThat(d.shards()).extracting(s -> s.id() + "@" + s.database() + " " + s.dialect() + " " + s.schemaVersion())
                            .containsExactly("s0@db0 H2 V1", "s1@db1 H2 V1");
                });
    }

    @Test
    void theEndpointIsAbsentUnlessExposed() {
        String db0 = newDatabase("hidden"), db1 = newDatabase("hidden");
        runner().withPropertyValues(twoShards(db0, db1))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(ShardkitEndpoint.class));
    }

    private static CompositeHealthContributor contributor(ApplicationContext context) {
        return context.getBean("shardkitHealthContributor", CompositeHealthContributor.class);
    }

    private static Health health(CompositeHealthContributor composite, String database) {
        return ((HealthIndicator) composite.getContributor(database)).health();
    }

    /** Spring Boot's default aggregation of the children, as /actuator/health computes it. */
    private static Status aggregate(CompositeHealthContributor composite) {
        Stream<Status> statuses = composite.stream().map(c -> ((HealthIndicator) c.contributor()).health().getStatus());
        return StatusAggregator.getDefault().getAggregateStatus(statuses.collect(java.util.stream.Collectors.toSet()));
    }
}
