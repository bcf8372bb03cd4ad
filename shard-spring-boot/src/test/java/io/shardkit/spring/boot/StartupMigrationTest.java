package io.shardkit.spring.boot;

import static io.shardkit.spring.boot.ShardkitTestSupport.newDatabase;
import static io.shardkit.spring.boot.ShardkitTestSupport.runner;
import static io.shardkit.spring.boot.ShardkitTestSupport.tables;
import static io.shardkit.spring.boot.ShardkitTestSupport.twoShards;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** shardkit.migration.on-startup: validate (the default) refuses unmigrated shards; none and a missing default pass. */
class StartupMigrationTest {
    private static final String SHARD_MIGRATIONS = "shardkit.migration.locations=classpath:db/shards";

    @Test
    void validateIsTheDefaultAndRefusesShardsWithPendingMigrations() {
        String db0 = newDatabase("validate"), db1 = newDatabase("validate");
        runner().withPropertyValues(twoShards(db0, db1, SHARD_MIGRATIONS))
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageStartingWith("shardkit.migration.on-startup=validate: the shards are not at the migrations' version")
                        .hasMessageContaining("pending on [s0, s1]")
                        .hasMessageContaining("shardkit.migration.on-startup=migrate"));
        assertThat(tables(db0)).doesNotContain("orders");
    }

    @Test
    void validatePassesOnceTheShardsAreMigrated() {
        String db0 = newDatabase("validated"), db1 = newDatabase("validated");
        runner().withPropertyValues(twoShards(db0, db1, SHARD_MIGRATIONS, "shardkit.migration.on-startup=migrate"))
                .run(context -> assertThat(context).hasNotFailed());
        runner().withPropertyValues(twoShards(db0, db1, SHARD_MIGRATIONS))
                .run(context -> assertThat(context).hasNotFailed());
    }

    /** The name the issue and README give, in both of Spring's spellings; none leaves pending shards alone. */
    @Test
    void onStartupIsBoundFromShardkitMigrationOnStartup() {
        String db0 = newDatabase("named"), db1 = newDatabase("named");
        runner().withPropertyValues(twoShards(db0, db1, SHARD_MIGRATIONS, "shardkit.migration.on-startup=none"))
                .run(context -> assertThat(context).hasNotFailed());
        assertThat(tables(db0)).doesNotContain("orders");
        runner().withPropertyValues(twoShards(db0, db1, SHARD_MIGRATIONS, "shardkit.migration.onStartup=migrate"))
                .run(context -> assertThat(context).hasNotFailed());
        assertThat(tables(db0)).contains("orders");
        assertThat(tables(db1)).contains("orders");
    }

    /** The cluster description's migrations section has no on-startup: a setting there would be lost, so it fails. */
    @Test
    void shardkitMigrationsOnStartupFailsNamingTheStartersProperty() {
        String db0 = newDatabase("misplaced"), db1 = newDatabase("misplaced");
        runner().withPropertyValues(twoShards(db0, db1, SHARD_MIGRATIONS, "shardkit.migrations.on-startup=migrate"))
                .run(context -> assertThat(context).getFailure().rootCause()
                        .isInstanceOf(InvalidShardkitConfigException.class)
                        .hasMessage("invalid Shardkit configuration (1 problem):\n  - shardkit.migrations.on-startup: not a"
                                + " Shardkit property — what runs at start-up is shardkit.migration.on-startup (validate,"
                                + " migrate or none); shardkit.migrations.* is the cluster description's migrations section"
                                + " (locations, allow-clean) for the shard-migrate CLI"));
        assertThat(tables(db0)).doesNotContain("orders");
    }

    @Test
    void withoutMigrationsAtTheDefaultLocationValidateHasNothingToCheck() {
        String db0 = newDatabase("nomigrations"), db1 = newDatabase("nomigrations");
        runner().withPropertyValues(twoShards(db0, db1)).run(context -> assertThat(context).hasNotFailed());
        assertThat(tables(db0)).isEmpty();
    }
}
