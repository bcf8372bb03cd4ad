package io.shardkit.spring.boot;

import io.shardkit.cluster.ShardCluster;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/** The {@code shardkit} actuator endpoint, when actuator is present and the endpoint is exposed. */
@AutoConfiguration(after = {ShardkitAutoConfiguration.class, ShardkitMigrationAutoConfiguration.class})
@ConditionalOnClass({Endpoint.class, ConditionalOnAvailableEndpoint.class})
@ConditionalOnBean(ShardCluster.class)
public class ShardkitEndpointAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint
    ShardkitEndpoint shardkitEndpoint(ShardCluster cluster, ObjectProvider<ShardSchemaVersions> schemaVersions) {
        return new ShardkitEndpoint(cluster, schemaVersions.getIfAvailable());
    }
}
