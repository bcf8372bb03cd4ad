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

    @Test
    void withoutMigrationsAtTheDefaultLocationValidateHasNothingToCheck() {
        String db0 = newDatabase("nomigrations"), db1 = newDatabase("nomigrations");
        runner().withPropertyValues(twoShards(db0, db1)).run(context -> assertThat(context).hasNotFailed());
        assertThat(tables(db0)).isEmpty();
    }
}
