package io.shardkit.spring.boot;

import io.shardkit.migrate.MigrationOutcome;
import io.shardkit.migrate.ShardMigrator;
import io.shardkit.router.ShardException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;

/** Migrations on start-up ({@code shardkit.migration.*}) when shard-migrate is on the class path. */
@AutoConfiguration(after = ShardkitAutoConfiguration.class)
@ConditionalOnClass(ShardMigrator.class)
public class ShardkitMigrationAutoConfiguration {

    /** Static and bound by hand: a post-processor is made before the properties beans exist. */
    @Bean
    static ShardMigrationOnStartup shardMigrationOnStartup(Environment environment, ResourceLoader resourceLoader) {
        return new ShardMigrationOnStartup(settings(environment), resourceLoader);
    }

    @Bean
    ShardSchemaVersions shardSchemaVersions(Environment environment, ResourceLoader resourceLoader) {
        ShardMigrationOnStartup migrations = new ShardMigrationOnStartup(settings(environment), resourceLoader);
        List<String> configured = settings(environment).getLocations();
        List<String> locations = configured.isEmpty() ? List.of(ShardMigrator.DEFAULT_LOCATION) : configured;
        return cluster -> {
            Map<String, String> versions = new LinkedHashMap<>();
            List<MigrationOutcome> outcomes;
            try {
                outcomes = migrations.migrator(cluster, locations).info().shards();
            } catch (ShardException e) { // no migrations where the locations point: no version to show
                return versions;
            }
            for (MigrationOutcome o : outcomes) {
                versions.put(o.shard().value(), o.versionLabel());
            }
            return versions;
        };
    }

    private static ShardkitProperties.Migration settings(Environment environment) {
        return Binder.get(environment).bindOrCreate("shardkit", ShardkitProperties.class).getMigration();
    }
}
