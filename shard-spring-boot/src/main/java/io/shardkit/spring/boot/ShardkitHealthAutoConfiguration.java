package io.shardkit.spring.boot;

import io.shardkit.cluster.Shard;
import io.shardkit.cluster.ShardCluster;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code shardkit} health contributor: one child per database, probed in the background every
 * {@code shardkit.health.interval}. Needs spring-boot-health; off with
 * {@code management.health.shardkit.enabled=false}.
 */
@AutoConfiguration(after = ShardkitAutoConfiguration.class)
@ConditionalOnClass(HealthContributor.class)
@ConditionalOnBean(ShardCluster.class)
public class ShardkitHealthAutoConfiguration {

    /**
     * Nested: its condition's class is in spring-boot-health, and a class's conditions are all loaded at once, so it
     * must not sit beside the {@code @ConditionalOnClass} that checks for that module.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnEnabledHealthIndicator("shardkit")
    static class ShardkitHealthContributorConfiguration {

        @Bean(initMethod = "start", destroyMethod = "close")
        ShardHealthMonitor shardkitHealthMonitor(ShardCluster cluster, ShardkitProperties properties) {
            return new ShardHealthMonitor(cluster, properties.getHealth().getTimeout(), properties.getHealth().getInterval());
        }

        /** Named so that Spring Boot calls the contributor {@code shardkit}. */
        @Bean
        CompositeHealthContributor shardkitHealthContributor(ShardCluster cluster, ShardHealthMonitor monitor,
                                                             ShardkitProperties properties) {
            Map<String, HealthContributor> databases = new LinkedHashMap<>();
            for (Shard shard : cluster.shards()) {
                databases.computeIfAbsent(shard.database(), d -> new ShardDatabaseHealthIndicator(d, cluster, monitor,
                        properties.getHealth().getDownWhen()));
            }
            return CompositeHealthContributor.fromMap(databases);
        }
    }
}
