package io.shardkit.spring.boot;

import io.micrometer.core.instrument.MeterRegistry;
import io.shardkit.cluster.ShardCluster;
import io.shardkit.cluster.ShardClusterBuilder;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Configuration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;

/**
 * A {@link ShardCluster} from {@code shardkit.*} or {@code shardkit.config-location}, closed with the context, and
 * the {@link ShardedRepository} interfaces of the application's packages as beans. An application's own
 * {@code ShardCluster} bean replaces the auto-configured one; its repositories are still registered.
 *
 * <p>Registers no {@code DataSource}, {@code DSLContext} or {@code Flyway} bean: the shards' pools and contexts stay
 * inside the cluster, out of reach of Spring Boot's Flyway, jOOQ and DataSource auto-configurations.
 */
@AutoConfiguration(afterName = {"org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration"})
@EnableConfigurationProperties(ShardkitProperties.class)
@Import(AutoConfiguredShardRepositoriesRegistrar.class)
public class ShardkitAutoConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public ShardCluster shardCluster(Environment environment, ResourceLoader resourceLoader, ShardkitProperties properties,
                                     ObjectProvider<ShardClusterCustomizer> customizers) {
        ShardClusterBuilder builder = ShardCluster.builder()
                .config(ClusterConfigSource.load(environment, resourceLoader, properties.getConfigLocation()));
        customizers.orderedStream().forEach(c -> c.customize(builder));
        return builder.build();
    }

    /**
     * {@code shardkit.atomic.*}: the start-up check of atomic transactions and this instance's recoverer, once the
     * cluster is up (and migrated: migrations run as the cluster bean is initialised, and create the decision table).
     */
    @Bean
    ShardkitAtomicStartup shardkitAtomicStartup(ShardCluster cluster, ShardkitProperties properties) {
        return new ShardkitAtomicStartup(cluster, properties.getAtomic());
    }

    /** The application's meter registry, where Micrometer is present: Shardkit's meters go there (README "Metrics"). */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
    static class Meters {
        @Bean
        ShardClusterCustomizer shardkitMeterRegistry(ObjectProvider<MeterRegistry> registry) {
            return builder -> registry.ifAvailable(builder::meterRegistry);
        }
    }
}
