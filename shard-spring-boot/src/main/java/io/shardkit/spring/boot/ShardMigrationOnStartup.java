package io.shardkit.spring.boot;

import io.shardkit.cluster.ShardCluster;
import io.shardkit.migrate.FleetReport;
import io.shardkit.migrate.ShardMigrator;
import io.shardkit.migrate.ShardState;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.io.ResourceLoader;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * Validates or migrates every shard through {@link ShardMigrator} as soon as a {@link ShardCluster} bean is ready
 * (the auto-configured one or the application's own), so no bean that uses the cluster sees an unmigrated shard.
 * Spring Boot's own Flyway never sees a shard: the starter registers no shard {@code DataSource}.
 */
final class ShardMigrationOnStartup implements BeanPostProcessor {
    private static final Logger LOG = LoggerFactory.getLogger(ShardMigrationOnStartup.class);

    private final ShardkitProperties.Migration settings;
    private final ResourceLoader resourceLoader;

    ShardMigrationOnStartup(ShardkitProperties.Migration settings, ResourceLoader resourceLoader) {
        this.settings = settings;
        this.resourceLoader = resourceLoader;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof ShardCluster cluster && settings.getOnStartup() != ShardkitProperties.OnStartup.NONE) {
            run(cluster);
        }
        return bean;
    }

    private void run(ShardCluster cluster) {
        List<String> locations = settings.getLocations();
        if (locations.isEmpty()) {
            if (!defaultLocationExists()) {
                LOG.info("shardkit.migration.on-startup={}: no {} on the class path, nothing to {} — set "
                        + "shardkit.migration.locations to where the shards' migrations are", settings.getOnStartup()
                        .name().toLowerCase(java.util.Locale.ROOT), ShardMigrator.DEFAULT_LOCATION,
                        settings.getOnStartup().name().toLowerCase(java.util.Locale.ROOT));
                return;
            }
            locations = List.of(ShardMigrator.DEFAULT_LOCATION);
        }
        ShardMigrator migrator = migrator(cluster, locations);
        if (settings.getOnStartup() == ShardkitProperties.OnStartup.MIGRATE) {
            FleetReport report = migrator.migrate().orThrow();
            LOG.info("{}", report.summaryLine());
            return;
        }
        FleetReport report = migrator.validate();
        List<String> pending = report.inState(ShardState.PENDING).stream().map(o -> o.shard().value()).toList();
        if (!report.succeeded() || !pending.isEmpty()) {
            throw new IllegalStateException("shardkit.migration.on-startup=validate: the shards are not at the "
                    + "migrations' version (" + report.summaryLine() + (pending.isEmpty() ? "" : "; pending on " + pending)
                    + ") — migrate them (shard-migrate migrate, or shardkit.migration.on-startup=migrate), or repair an "
                    + "invalid history");
        }
        LOG.info("{}", report.summaryLine());
    }

    ShardMigrator migrator(ShardCluster cluster, List<String> locations) {
        return ShardMigrator.configure().cluster(cluster).locations(locations.toArray(String[]::new))
                .classLoader(resourceLoader.getClassLoader()).load();
    }

    private boolean defaultLocationExists() {
        try {
            return new PathMatchingResourcePatternResolver(resourceLoader)
                    .getResources(ShardMigrator.DEFAULT_LOCATION.replace("classpath:", "classpath*:") + "/**").length > 0;
        } catch (IOException e) {
            return false;
        }
    }
}
