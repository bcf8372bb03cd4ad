package io.shardkit.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkit.cluster.Shard;
import io.shardkit.cluster.ShardCluster;
import io.shardkit.cluster.config.ClusterConfig.DatabaseConfig;
import io.shardkit.cluster.config.ClusterConfig.PoolConfig;
import io.shardkit.cluster.config.ShardConfigException;
import io.shardkit.router.ShardException;
import io.shardkit.router.ShardId;
import io.shardkit.test.EmbeddedShards;
import io.shardkit.test.Engine;
import io.shardkit.test.TestDatabase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ShardMigrator on H2 shards: scanning once, settings, placeholders, schemas, filters, stop requests, clean. */
class ShardMigratorTest {

    static List<ShardId> ids(String... ids) {
        return java.util.Arrays.stream(ids).map(ShardId::of).toList();
    }

    @Test
    void theLocationsAreScannedAndReadOnceForTheWholeFleet() {
        try (EmbeddedShards dbs = EmbeddedShards.start(Engine.H2, 8); ShardCluster cluster = Fleet.cluster(dbs)) {
            CountingClassLoader loader = new CountingClassLoader(getClass().getClassLoader());
            ShardMigrator migrator = ShardMigrator.configure().cluster(cluster).classLoader(loader)
                    .locations("classpath:fleet/base").concurrency(4).load();
            int oneScan = loader.lookups("fleet/base");
            assertTrue(oneScan >= 4, "the scan looks up the folder and each of its 3 scripts: " + loader.snapshot());

            assertEquals(24, migrator.migrate().orThrow().summary().migrationsApplied());
            assertEquals(8, migrator.info().orThrow().inState(ShardState.OK).size());
            assertEquals(oneScan, loader.lookups("fleet/base"), "8 shards, 2 commands, no new scan or read: " + loader.snapshot());

            // What ShardMigrator saves: a plain Flyway per DataSource scans and reads everything again for each shard.
            CountingClassLoader naive = new CountingClassLoader(getClass().getClassLoader());
            for (Shard s : cluster.shards()) {
                Flyway.configure(naive).dataSource(s.dataSource()).locations("classpath:fleet/base").load().info();
            }
            assertEquals(8 * oneScan, naive.lookups("fleet/base"), naive.snapshot().toString());
        }
    }

    @Test
    void aShardThatIsMovingIsNotMigratedAndTheOthersAre() throws Exception {
        try (EmbeddedShards dbs = EmbeddedShards.start(Engine.H2, 2); ShardCluster cluster = Fleet.cluster(dbs)) {
            ShardMigrator.configure().cluster(cluster).locations("classpath:fleet/base").load().migrate().orThrow();
            try (var c = dbs.database(1).open(); var s = c.createStatement()) { // as shard-move leaves it during a move
                s.execute("create table shardkit_fence (name varchar(200) primary key, state varchar(10))");
                s.execute("insert into shardkit_fence values ('tenant:42', 'OPEN')");
            }
            FleetReport report = ShardMigrator.configure().cluster(cluster).locations("classpath:fleet/base").load().migrate();
            assertEquals(ShardState.FAILED, report.shard(ShardId.of("s1")).state());
            String message = report.shard(ShardId.of("s1")).error().orElseThrow().summary();
            assertTrue(message.contains("[shard s1] is moving (tenant:42 in its schema's shardkit_fence)"), message);
            assertEquals(ShardState.OK, report.shard(ShardId.of("s0")).state());
            try (var c = dbs.database(1).open(); var s = c.createStatement()) {
                s.execute("delete from shardkit_fence");  // the move finished
            }
            assertEquals(ShardState.OK, ShardMigrator.configure().cluster(cluster).locations("classpath:fleet/base").load()
                    .migrate().orThrow().shard(ShardId.of("s1")).state());
        }
    }

    @Test
    void checksumsAreThoseFlywayComputesItself() {
        try (EmbeddedShards dbs = EmbeddedShards.start(Engine.H2, 2); ShardCluster cluster = Fleet.cluster(dbs)) {
            ShardMigrator.configure().cluster(cluster).locations("classpath:fleet/base").load().migrate().orThrow();
            for (Shard s : cluster.shards()) {
                // throws on any checksum, name or type mismatch
                Flyway.configure().dataSource(s.dataSource()).locations("classpath:fleet/base").load().validate();
            }
        }
    }

    @Test
    void everyShardGetsItsIdAndIndexAsPlaceholders() {
        try (EmbeddedShards dbs = EmbeddedShards.start(Engine.H2, 4); ShardCluster cluster = Fleet.cluster(dbs)) {
            ShardMigrator.configure().cluster(cluster).locations("classpath:fleet/base").concurrency(4).load()
                    .migrate().orThrow();
            for (int i = 0; i < 4; i++) {
                assertEquals(List.of("s" + i + " " + i + " " + (i - 5)), Fleet.query(dbs.database(i),
                        "SELECT shard_id || ' ' || shard_index || ' ' || divisor FROM shard_settings"));
            }
        }
    }

    @Test
    void onlyAndExcludeKeepEachShardsIndex() {
        try (EmbeddedShards dbs = EmbeddedShards.start(Engine.H2, 4); ShardCluster cluster = Fleet.cluster(dbs)) {
            FleetReport report = ShardMigrator.configure().cluster(cluster).locations("classpath:fleet/base")
                    .only(ids("s1", "s2", "s3")).exclude(ids("s2")).load().migrate().orThrow();
            assertEquals(ids("s1", "s3"), report.shards().stream().map(MigrationOutcome::shard).toList());
            assertEquals(List.of(1, 3), report.shards().stream().map(MigrationOutcome::index).toList());
            assertEquals(List.of("s3 3"), Fleet.query(dbs.database(3), "SELECT shard_id || ' ' || shard_index FROM shard_settings"));
            assertEquals(List.of("0"), Fleet.query(dbs.database(2),
                    "SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME = 'flyway_schema_history'"), "s2 untouched");
        }
    }

    @Test
    void logicalShardsSharingADatabaseAreMigratedEachInItsSchemaOneAtATime(@TempDir Path dir) {
        try (EmbeddedShards dbs = EmbeddedShards.start(Engine.H2, 1)) {
            TestDatabase db = dbs.database(0);
            try (ShardCluster cluster = ShardCluster.builder()
                    .database("db0", new DatabaseConfig(db.jdbcUrl(), db.username(), db.password(), null,
                            new PoolConfig(4, 0, 10_000L, null, null)))
                    .shard("s0", "db0", "s0").shard("s1", "db0", "s1").shard("s2", "db0", "s2")
                    .jump().build()) {
                List<String> order = new ArrayList<>();
                FleetReport report = ShardMigrator.configure().cluster(cluster).locations("classpath:fleet/base")
                        .concurrency(3).listener(new FleetListener() {
                            @Override
                            public void shardFinished(MigrationOutcome outcome, int done, int total) {
                                order.add(outcome.shard() + " " + done + "/" + total);
                            }
                        }).load().migrate().orThrow();
                assertEquals(List.of("s0 1/3", "s1 2/3", "s2 3/3"), order, "one database: one shard at a time, in order");
                assertEquals(3, report.shards().stream().filter(s -> s.versionLabel().equals("V3")).count());
                for (int i = 0; i < 3; i++) {
                    assertEquals(List.of("s" + i + " " + i), Fleet.query(db,
                            "SELECT shard_id || ' ' || shard_index FROM \"s" + i + "\".shard_settings"));
                }
            }
        }
    }

    @Test
    void aStopRequestLetsTheRunningShardFinishAndSkipsTheRest() {
        try (EmbeddedShards dbs = EmbeddedShards.start(Engine.H2, 5); ShardCluster cluster = Fleet.cluster(dbs)) {
            AtomicInteger asked = new AtomicInteger();
            List<String> events = new ArrayList<>();
            FleetReport report = ShardMigrator.configure().cluster(cluster).locations("classpath:fleet/base")
                    .stopWhen(() -> asked.incrementAndGet() > 2)  // asked before each start: s0 and s1 start
                    .listener(new FleetListener() {
                        @Override
                        public void shardFinished(MigrationOutcome outcome, int done, int total) {
                            events.add(outcome.shard() + " " + outcome.state());
                        }

                        @Override
                        public void stopping(String reason) {
                            events.add("stopping: " + reason);
                        }
                    }).load().migrate();
            assertEquals(List.of("s0 OK", "s1 OK", "stopping: stop requested"), events);
            assertEquals(FleetReport.Status.INTERRUPTED, report.status());
            assertEquals(List.of("not started: stop requested"), report.shard(ShardId.of("s4")).notes());
            assertEquals(new FleetReport.Summary(5, 2, 0, 0, 0, 3, 6), report.summary());
            FleetMigrationException e = assertThrows(FleetMigrationException.class, report::orThrow);
            assertEquals("[fleet] migrate interrupted: 2 of 5 shards ran — run migrate again to continue; shards "
                    + "already done do nothing", e.getMessage());
            assertEquals(ShardException.Code.MIGRATION, e.code());
        }
    }

    @Test
    void anInterruptedCallerStopsStartingShards() {
        try (EmbeddedShards dbs = EmbeddedShards.start(Engine.H2, 3); ShardCluster cluster = Fleet.cluster(dbs)) {
            ShardMigrator migrator = ShardMigrator.configure().cluster(cluster).locations("classpath:fleet/base").load();
            Thread.currentThread().interrupt();
            FleetReport report = migrator.migrate();
            assertTrue(Thread.interrupted(), "the interrupt is kept for the caller");
            assertTrue(report.interrupted());
            assertEquals(3, report.inState(ShardState.SKIPPED).size());
        }
    }

    @Test
    void cleanIsRefusedUnlessAllowed() {
        try (EmbeddedShards dbs = EmbeddedShards.start(Engine.H2, 2); ShardCluster cluster = Fleet.cluster(dbs)) {
            ShardMigrator.Builder builder = ShardMigrator.configure().cluster(cluster).locations("classpath:fleet/base");
            builder.load().migrate().orThrow();
            ShardException e = assertThrows(ShardException.class, () -> builder.load().clean());
            assertEquals(ShardException.Code.CONFIG, e.code());
            assertEquals("clean refused: it drops every object in the schema of 2 shards, and it is not allowed — call "
                    + "allowClean(true) on the ShardMigrator builder (shard-migrate: set migrations.allowClean in "
                    + "shards.yml and pass --allow-clean)", e.getMessage());
            assertEquals(List.of("1"), Fleet.query(dbs.database(0),
                    "SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME = 'ACCOUNTS'"), "still there");

            FleetReport cleaned = builder.allowClean(true).load().clean().orThrow();
            assertEquals(2, cleaned.inState(ShardState.OK).size());
            assertEquals(List.of("0"), Fleet.query(dbs.database(0),
                    "SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME = 'ACCOUNTS'"));
        }
    }

    @Test
    void everyBadSettingIsReportedAtOnce() {
        try (EmbeddedShards dbs = EmbeddedShards.start(Engine.H2, 2); ShardCluster cluster = Fleet.cluster(dbs)) {
            ShardConfigException e = assertThrows(ShardConfigException.class, () -> ShardMigrator.configure()
                    .cluster(cluster).only(ids("s0", "s9")).exclude(ids("s7")).canary(-1).concurrency(0)
                    .target("next week").baselineVersion("v1").placeholder("shard_id", "x").table(" ").locations()
                    .load());
            assertEquals(List.of(
                    "only: unknown shard 's9' — shards: [s0, s1]",
                    "exclude: unknown shard 's7' — shards: [s0, s1]",
                    "canary: must be 0 or more, was -1 — 0 runs no canary",
                    "concurrency: must be at least 1, was 0 — 1 runs the shards one at a time",
                    "locations: none — give at least one, e.g. classpath:db/migration",
                    "target: 'next week' is not a version — write digits separated by dots or underscores, e.g. 7 or 1.2, or latest or current",
                    "baselineVersion: 'v1' is not a version — write digits separated by dots or underscores, e.g. 7 or 1.2",
                    "placeholders: 'shard_id' is set per shard by ShardMigrator — use another name",
                    "table: empty — name the schema history table, e.g. flyway_schema_history"), e.problems());

            assertEquals(List.of("cluster: not set — call cluster(cluster) or shards(list)"),
                    assertThrows(ShardConfigException.class, () -> ShardMigrator.configure().load()).problems());
            assertEquals(List.of("only, exclude: no shard left of [s0, s1] — name at least one shard that is not excluded"),
                    assertThrows(ShardConfigException.class, () -> ShardMigrator.configure().cluster(cluster)
                            .exclude(ids("s0", "s1")).load()).problems());
        }
    }

    @Test
    void aMissingLocationFailsAtLoad(@TempDir Path dir) {
        try (EmbeddedShards dbs = EmbeddedShards.start(Engine.H2, 1); ShardCluster cluster = Fleet.cluster(dbs)) {
            String location = "filesystem:" + dir.resolve("nowhere");
            ShardException e = assertThrows(ShardException.class, () -> ShardMigrator.configure().cluster(cluster)
                    .locations(location).load());
            assertEquals(ShardException.Code.CONFIG, e.code());
            assertTrue(e.getMessage().startsWith("locations [" + location + "]: "), e.getMessage());
            assertTrue(e.getMessage().endsWith(" — check the path (a filesystem: location is relative to the working "
                    + "directory) or pass other locations"), e.getMessage());
        }
    }

    @Test
    void aPostgresPoolOfOneIsRefusedBeforeFlywayWaitsForASecondConnection() {
        try (EmbeddedShards dbs = EmbeddedShards.start(Engine.POSTGRES, 1)) {
            TestDatabase db = dbs.database(0);
            try (ShardCluster cluster = ShardCluster.builder()
                    .database("db0", new DatabaseConfig(db.jdbcUrl(), db.username(), db.password(), null,
                            new PoolConfig(1, 0, 30_000L, null, null)))
                    .shard("s0", "db0").jump().build()) {
                // refused by a check before Flyway runs: waiting for a second connection would end in the pool's
                // timeout message instead, 30 s later
                FleetReport report = ShardMigrator.configure().cluster(cluster).locations("classpath:fleet/base").load().migrate();
                assertEquals("[shard s0] the pool of database db0 allows 1 connection, and Flyway needs 2 on PostgreSQL "
                        + "(one holds the migration lock) — set databases.db0.pool.maximumPoolSize to 2 or more",
                        report.shard(ShardId.of("s0")).error().orElseThrow().message());
            }
        }
    }

    @Test
    void aGivenListOfShardsIsNumberedByItsOrder() {
        try (EmbeddedShards dbs = EmbeddedShards.start(Engine.H2, 3); ShardCluster cluster = Fleet.cluster(dbs)) {
            List<Shard> reversed = cluster.shards().reversed();
            FleetReport report = ShardMigrator.configure().shards(reversed).locations("classpath:fleet/base").load()
                    .migrate().orThrow();
            assertEquals(ids("s2", "s1", "s0"), report.shards().stream().map(MigrationOutcome::shard).toList());
            assertEquals(List.of("s2 0"), Fleet.query(dbs.database(2), "SELECT shard_id || ' ' || shard_index FROM shard_settings"));
        }
    }
}
