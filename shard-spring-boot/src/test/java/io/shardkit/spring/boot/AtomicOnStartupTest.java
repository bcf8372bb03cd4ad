package io.shardkit.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardkit.cluster.ShardCluster;
import io.shardkit.cluster.atomic.DecisionTable;
import io.shardkit.test.EmbeddedShards;
import io.shardkit.test.Engine;
import io.shardkit.test.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** {@code shardkit.atomic.*} on two embedded PostgreSQL databases: the start-up check, and this instance's recoverer. */
class AtomicOnStartupTest {
    private static EmbeddedShards pg;

    @BeforeAll
    static void start() {
        pg = EmbeddedShards.start(Engine.POSTGRES, 2);
    }

    @AfterAll
    static void stop() {
        if (pg != null) pg.close();
    }

    private static ApplicationContextRunner runner(String... more) {
        List<String> p = new ArrayList<>(List.of("shardkit.migration.on-startup=none", "shardkit.strategy.type=jump",
                "shardkit.key-type=long", "shardkit.shards[0].id=s0", "shardkit.shards[0].database=db0",
                "shardkit.shards[1].id=s1", "shardkit.shards[1].database=db1"));
        for (int i = 0; i < 2; i++) {
            TestDatabase d = pg.database(i);
            p.add("shardkit.databases.db" + i + ".url=" + d.jdbcUrl());
            p.add("shardkit.databases.db" + i + ".username=" + d.username());
            p.add("shardkit.databases.db" + i + ".password=" + d.password());
        }
        p.addAll(List.of(more));
        return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(ShardkitAutoConfiguration.class))
                .withPropertyValues(p.toArray(String[]::new));
    }

    @Test
    void theCheckFailsStartUpNamingWhatIsMissingAndTheRecovererFinishesAnOrphanedBranch() throws Exception {
        runner("shardkit.atomic.check-on-startup=true").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                    .hasMessageContaining("shard s0 has no table " + DecisionTable.NAME)
                    .hasMessageContaining("shard s1 has no table " + DecisionTable.NAME);
        });
        for (int i = 0; i < 2; i++) sql(i, DecisionTable.createStatement());
        sql(1, "create table if not exists account (id bigint primary key)");
        // a coordinator died after preparing this branch on db1, before deciding: no decision row on s0
        try (Connection c = pg.database(1).open(); Statement s = c.createStatement()) {
            s.execute("begin");
            s.execute("insert into account values (7)");
            s.execute("prepare transaction 'shardkit:shardkit:" + UUID.randomUUID() + ":s0:db1'");
        }
        runner("shardkit.atomic.check-on-startup=true", "shardkit.atomic.recover-every=50ms").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).hasSingleBean(ShardCluster.class);
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (count(1, "select count(*) from pg_prepared_xacts") > 0 && System.nanoTime() < deadline) Thread.sleep(20);
            assertThat(count(1, "select count(*) from pg_prepared_xacts")).as("the recoverer rolled it back").isZero();
            assertThat(count(1, "select count(*) from account")).isZero();
        });
    }

    private static void sql(int db, String sql) throws Exception {
        try (Connection c = pg.database(db).open(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static long count(int db, String sql) throws Exception {
        try (Connection c = pg.database(db).open(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }
}
