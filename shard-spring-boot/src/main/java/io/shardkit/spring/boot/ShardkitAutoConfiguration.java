package io.shardkit.spring.boot;

import io.shardkit.cluster.ShardCluster;
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
@AutoConfiguration
@EnableConfigurationProperties(ShardkitProperties.class)
@Import(AutoConfiguredShardRepositoriesRegistrar.class)
public class ShardkitAutoConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public ShardCluster shardCluster(Environment environment, ResourceLoader resourceLoader, ShardkitProperties properties) {
        return ShardCluster.create(ClusterConfigSource.load(environment, resourceLoader, properties.getConfigLocation()));
    }
}
