package io.shardkit.spring.boot;

import static io.shardkit.spring.boot.ShardkitTestSupport.column;
import static io.shardkit.spring.boot.ShardkitTestSupport.newDatabase;
import static io.shardkit.spring.boot.ShardkitTestSupport.runner;
import static io.shardkit.spring.boot.ShardkitTestSupport.tables;
import static io.shardkit.spring.boot.ShardkitTestSupport.twoShards;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardkit.cluster.ShardCluster;
import io.shardkit.router.ShardId;
import io.shardkit.spring.boot.app.OrderRepository;
import io.shardkit.spring.boot.app.ShardApp;
import io.shardkit.spring.boot.app.other.AuditOnly;
import io.shardkit.spring.boot.app.other.AuditRepository;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.FilteredClassLoader;

class ShardkitAutoConfigurationTest {
    private static final String MIGRATE = "shardkit.migration.on-startup=migrate";
    private static final String SHARD_MIGRATIONS = "shardkit.migration.locations=classpath:db/shards";

    @Test
    void propertiesGiveAClusterWhoseRepositoriesWriteAndReadOnTheKeysShard() {
        String db0 = newDatabase("props"), db1 = newDatabase("props");
        runner().withUserConfiguration(ShardApp.class).withPropertyValues(twoShards(db0, db1, MIGRATE, SHARD_MIGRATIONS))
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(ShardCluster.class);
                    ShardCluster cluster = context.getBean(ShardCluster.class);
                    long onS1 = firstKeyOn(cluster, "s1"), onS0 = firstKeyOn(cluster, "s0");

                    OrderRepository orders = context.getBean(OrderRepository.class);
                    orders.save(onS1, "book");
                    orders.save(onS0, "lamp");
                    assertThat(orders.items(onS1)).containsExactly("book");
                    // the row is on shard s1's database, and only there
                    assertThat(column(db1, "select item from orders")).containsExactly("book");
                    assertThat(column(db0, "select item from orders")).containsExactly("lamp");
                });
    }

    @Test
    void configLocationReadsShardsYmlWithPlaceholdersFromTheEnvironment() {
        String db0 = newDatabase("yml"), db1 = newDatabase("yml");
        runner().withPropertyValues("shardkit.config-location=classpath:shards.yml",
                        "SHARD0_URL=" + ShardkitTestSupport.clusterUrl(db0), "SHARD1_URL=" + ShardkitTestSupport.clusterUrl(db1))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    ShardCluster cluster = context.getBean(ShardCluster.class);
                    assertThat(cluster.shards()).extracting(s -> s.id().value() + "@" + s.database())
                            .containsExactly("s0@db0", "s1@db1");
                    cluster.dsl(ShardId.of("s1")).execute("create table marker (id int)");
                    assertThat(tables(db1)).contains("marker");
                    assertThat(tables(db0)).doesNotContain("marker");
                });
    }

    @Test
    void configLocationAndClusterPropertiesTogetherAreRefused() {
        String db0 = newDatabase("both"), db1 = newDatabase("both");
        runner().withPropertyValues(twoShards(db0, db1, "shardkit.config-location=classpath:shards.yml"))
                .run(context -> assertThat(context).getFailure().rootCause()
                        .isInstanceOf(InvalidShardkitConfigException.class)
                        .hasMessageContaining("shardkit.config-location: set together with shardkit.databases/shards/strategy"));
    }

    @Test
    void anApplicationsOwnShardClusterMakesTheAutoConfigurationBackOff() {
        String db0 = newDatabase("own");
        ShardCluster own = ShardCluster.builder().database("main", ShardkitTestSupport.clusterUrl(db0), "sa", "")
                .shard("only", "main").modulo(io.shardkit.router.KeyHash.MURMUR3).keyType(io.shardkit.router.ShardKeyType.LONG)
                .build();
        runner().withBean(ShardCluster.class, () -> own)
                // properties that would fail: proof that the auto-configuration did not even read them
                .withPropertyValues("shardkit.shards[0].id=broken id")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(ShardCluster.class);
                    assertThat(context.getBean(ShardCluster.class)).isSameAs(own);
                });
        own.close();
    }

    @Test
    void repositoriesAreBeansOfTheirInterfaceFoundInTheApplicationsPackages() {
        String db0 = newDatabase("repos"), db1 = newDatabase("repos");
        runner().withUserConfiguration(ShardApp.class).withPropertyValues(twoShards(db0, db1))
                .run(context -> {
                    assertThat(context).hasSingleBean(OrderRepository.class).hasSingleBean(AuditRepository.class);
                    assertThat(context.getBeanNamesForType(OrderRepository.class)).containsExactly("orderRepository");
                });
    }

    @Test
    void enableShardRepositoriesChoosesThePackagesAndTurnsTheAutomaticScanOff() {
        String db0 = newDatabase("enable"), db1 = newDatabase("enable");
        runner().withUserConfiguration(AuditOnly.class).withPropertyValues(twoShards(db0, db1))
                .run(context -> assertThat(context).hasNotFailed().hasSingleBean(AuditRepository.class)
                        .doesNotHaveBean(OrderRepository.class));
    }

    @Test
    void startsWithoutActuatorHealthFlywayOrShardMigrate() {
        String db0 = newDatabase("bare"), db1 = newDatabase("bare");
        runner().withUserConfiguration(ShardApp.class)
                .withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate", "org.springframework.boot.health",
                        "org.flywaydb", "io.shardkit.migrate"))
                .withPropertyValues(twoShards(db0, db1, "management.endpoints.web.exposure.include=*"))
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(ShardCluster.class).hasSingleBean(OrderRepository.class)
                            .doesNotHaveBean(ShardkitEndpoint.class).doesNotHaveBean(ShardHealthMonitor.class)
                            .doesNotHaveBean(ShardMigrationOnStartup.class).doesNotHaveBean(ShardSchemaVersions.class);
                    context.getBean(ShardCluster.class).dsl(ShardId.of("s0")).execute("create table t (id int)");
                    assertThat(tables(db0)).containsExactly("t");
                });
    }

    @Test
    void theClusterIsClosedWithTheContext() {
        String db0 = newDatabase("close"), db1 = newDatabase("close");
        ShardCluster[] seen = new ShardCluster[1];
        runner().withPropertyValues(twoShards(db0, db1)).run(context -> seen[0] = context.getBean(ShardCluster.class));
        assertThatThrownBy(() -> seen[0].poolStats()).hasMessageContaining("this ShardCluster is closed");
    }

    static long firstKeyOn(ShardCluster cluster, String shard) {
        for (long key = 1; ; key++) {
            if (cluster.shardFor(key).equals(ShardId.of(shard))) return key;
        }
    }
}
