package io.shardkit.spring.boot;

import static io.shardkit.spring.boot.ShardkitTestSupport.newDatabase;
import static io.shardkit.spring.boot.ShardkitTestSupport.runner;
import static io.shardkit.spring.boot.ShardkitTestSupport.twoShards;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.shardkit.cluster.ShardCluster;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.FilteredClassLoader;

/** The application's meter registry gets Shardkit's meters; hot keys from properties show in the endpoint. */
class ShardkitMetersAndHotKeysTest {

    @Test
    void theApplicationsMeterRegistryGetsTheClustersMeters() {
        String db0 = newDatabase("meters"), db1 = newDatabase("meters");
        runner().withPropertyValues(twoShards(db0, db1)).withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(context -> {
            ShardCluster cluster = context.getBean(ShardCluster.class);
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            long before = queries(registry);
            cluster.dsl(7L).fetch("select 1");
            assertThat(queries(registry)).isEqualTo(before + 1);
            assertThat(registry.find("hikaricp.connections").tag("pool", "shardkit-db0").gauge()).isNotNull();
        });
    }

    private static long queries(MeterRegistry registry) {
        return registry.find("shardkit.query").tag("outcome", "success").timers().stream().mapToLong(t -> t.count()).sum();
    }

    @Test
    void withoutMicrometerTheClusterStartsWithNoMeters() {
        String db0 = newDatabase("nometers"), db1 = newDatabase("nometers");
        runner().withPropertyValues(twoShards(db0, db1)).withClassLoader(new FilteredClassLoader("io.micrometer"))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(ShardCluster.class).meterRegistry()).isEmpty();
                });
    }

    @Test
    void hotKeysFromPropertiesShowInTheEndpoint() {
        String db0 = newDatabase("hot"), db1 = newDatabase("hot");
        runner().withPropertyValues(twoShards(db0, db1, "shardkit.hot-keys.enabled=true", "shardkit.hot-keys.sample-every=1",
                        "management.endpoints.web.exposure.include=shardkit"))
                .run(context -> {
                    ShardCluster cluster = context.getBean(ShardCluster.class);
                    for (int i = 0; i < 100; i++) cluster.dsl(4242L).fetch("select 1");
                    for (long k = 0; k < 20; k++) cluster.dsl(k).fetch("select 1");
                    ShardkitEndpoint.Description d = context.getBean(ShardkitEndpoint.class).describe();
                    assertThat(d.hotKeys().enabled()).isTrue();
                    assertThat(d.hotKeys().top().getFirst().key()).isEqualTo("4242");
                    assertThat(d.hotKeys().top().getFirst().shard()).isEqualTo(cluster.shardFor(4242L));
                });
    }
}
