package io.shardkit.spring.boot;

import static io.shardkit.spring.boot.ShardkitTestSupport.column;
import static io.shardkit.spring.boot.ShardkitTestSupport.newDatabase;
import static io.shardkit.spring.boot.ShardkitTestSupport.runner;
import static io.shardkit.spring.boot.ShardkitTestSupport.tables;
import static io.shardkit.spring.boot.ShardkitTestSupport.twoShards;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.shardkit.cluster.ShardCluster;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jooq.autoconfigure.JooqAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The application's own DataSource, DSLContext and Flyway (Spring Boot's auto-configurations, on Shardkit's pinned
 * Flyway 13.12 and jOOQ 3.21) stay the application's: the starter adds no bean of those types, and Spring Boot's
 * Flyway never reaches a shard.
 */
class ApplicationBeansUntouchedTest {

    private static ApplicationContextRunner withApplicationsOwnDatabase(String app) {
        return runner().withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
                        JooqAutoConfiguration.class, FlywayAutoConfiguration.class))
                .withPropertyValues("spring.datasource.url=" + ShardkitTestSupport.clusterUrl(app),
                        "spring.datasource.username=sa", "spring.flyway.locations=classpath:db/app");
    }

    @Test
    void theApplicationKeepsItsOwnDataSourceJooqAndFlywayAndFlywayNeverTouchesAShard() {
        String app = newDatabase("app"), db0 = newDatabase("untouched"), db1 = newDatabase("untouched");
        withApplicationsOwnDatabase(app).withPropertyValues(twoShards(db0, db1, "shardkit.migration.on-startup=none"))
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(ShardCluster.class)
                            .hasSingleBean(DataSource.class).hasSingleBean(DSLContext.class).hasSingleBean(Flyway.class);
                    DataSource own = context.getBean(DataSource.class);
                    assertThat(((HikariDataSource) own).getJdbcUrl()).isEqualTo(ShardkitTestSupport.clusterUrl(app));
                    assertThat(context.getBean(Flyway.class).getConfiguration().getDataSource()).isSameAs(own);
                    assertThat(context.getBean(DSLContext.class).fetchValue("select count(*) from app_settings")).isEqualTo(0L);

                    assertThat(tables(app)).containsExactlyInAnyOrder("app_settings", "flyway_schema_history");
                    assertThat(tables(db0)).isEmpty();
                    assertThat(tables(db1)).isEmpty();
                });
    }

    @Test
    void migrateOnStartupGivesTheShardsTheirHistoryFromShardMigratorAndTheApplicationItsOwn() {
        String app = newDatabase("app"), db0 = newDatabase("migrated"), db1 = newDatabase("migrated");
        withApplicationsOwnDatabase(app).withPropertyValues(twoShards(db0, db1, "shardkit.migration.on-startup=migrate",
                        "shardkit.migration.locations=classpath:db/shards"))
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(DataSource.class).hasSingleBean(Flyway.class);
                    for (String shard : new String[] {db0, db1}) {
                        assertThat(tables(shard)).containsExactlyInAnyOrder("flyway_schema_history", "orders");
                        assertThat(column(shard, "select \"script\" from \"flyway_schema_history\" where \"type\" = 'SQL'"))
                                .containsExactly("V1__orders.sql");
                    }
                    assertThat(column(app, "select \"script\" from \"flyway_schema_history\" where \"type\" = 'SQL'")).containsExactly("V1__app.sql");
                    assertThat(tables(app)).doesNotContain("orders");
                });
    }
}
