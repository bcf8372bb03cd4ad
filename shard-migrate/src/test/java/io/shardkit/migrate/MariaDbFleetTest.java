package io.shardkit.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkit.cluster.ShardCluster;
import io.shardkit.router.ShardId;
import io.shardkit.test.EmbeddedShards;
import io.shardkit.test.Engine;
import io.shardkit.test.TestDatabase;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The core flow on embedded MariaDB, where DDL is not transactional: a failed migration leaves its DDL and a failed
 * history row, and the report says what to do about it.
 */
class MariaDbFleetTest {

    static List<String> history(TestDatabase db) {
        return Fleet.query(db, "SELECT CONCAT(version, IF(success, '', ' failed')) FROM flyway_schema_history ORDER BY installed_rank");
    }

    static ShardMigrator migrator(ShardCluster cluster, Path migrations) {
        return ShardMigrator.configure().cluster(cluster).locations(Fleet.location(migrations)).concurrency(3)
                .onError(OnError.CONTINUE).load();
    }

    @Test
    void migrateInfoAndANewMigrationThenAFailureThatNeedsRepair(@TempDir Path dir) {
        try (EmbeddedShards dbs = EmbeddedShards.start(Engine.MARIADB, 3); ShardCluster cluster = Fleet.cluster(dbs)) {
            Path migrations = Fleet.migrations(dir.resolve("migrations"), "base");
            FleetReport first = migrator(cluster, migrations).migrate().orThrow();
            assertEquals(9, first.summary().migrationsApplied());
            FleetReport info = migrator(cluster, migrations).info().orThrow();
            assertEquals(List.of("V3"), info.byVersion().stream().map(FleetReport.VersionGroup::label).toList());
            assertEquals(List.of("s2 2 -3"), Fleet.query(dbs.database(2),
                    "SELECT CONCAT(shard_id, ' ', shard_index, ' ', divisor) FROM shard_settings"));

            Fleet.migrations(migrations, "index");
            FleetReport second = migrator(cluster, migrations).migrate().orThrow();
            second.shards().forEach(o -> assertEquals(List.of("V4 account name index"),
                    o.applied().stream().map(MigrationStep::label).toList(), o.shard().value()));

            // V5 divides by shard_settings.divisor: make it 0 on s1 only.
            Fleet.execute(dbs.database(1), "UPDATE shard_settings SET divisor = 0");
            Fleet.migrations(migrations, "ledger-v5");
            FleetReport failed = migrator(cluster, migrations).migrate();
            assertEquals(FleetReport.Status.FAILED, failed.status());
            MigrationOutcome s1 = failed.shard(ShardId.of("s1"));
            assertEquals(ShardState.FAILED, s1.state());
            assertTrue(s1.error().orElseThrow().summary().endsWith("Division by 0 (V5__ledger.sql)"), s1.error().get().summary());
            assertEquals(List.of("MariaDB cannot roll back DDL: the statements of V5__ledger.sql that ran before the error "
                    + "stay applied, and the schema history records it as failed, so migrate refuses this shard until then "
                    + "— undo those statements by hand (or make the script idempotent), run repair to remove the failed "
                    + "row, then migrate again"), s1.notes());
            assertEquals(List.of("1", "2", "3", "4", "5 failed"), history(dbs.database(1)));
            assertEquals(List.of("1"), Fleet.query(dbs.database(1),
                    "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'ledger'"),
                    "the CREATE TABLE before the failing INSERT stayed");
            assertEquals(List.of("V5", "V4"), failed.byVersion().stream().map(FleetReport.VersionGroup::label).toList(),
                    "s1 counts as V4, not at its failed V5");

            FleetReport refused = migrator(cluster, migrations).migrate();
            assertTrue(refused.shard(ShardId.of("s1")).error().orElseThrow().message().contains("repair"),
                    refused.shard(ShardId.of("s1")).error().get().message());
            assertEquals(0, refused.shard(ShardId.of("s0")).applied().size(), "s0 is already at V5");
            FleetReport invalid = migrator(cluster, migrations).info();
            assertEquals(ShardState.INVALID, invalid.shard(ShardId.of("s1")).state());

            Fleet.execute(dbs.database(1), "DROP TABLE ledger");            // undo the half-applied V5 by hand
            Fleet.execute(dbs.database(1), "UPDATE shard_settings SET divisor = 1");
            FleetReport repaired = migrator(cluster, migrations).repair().orThrow();
            assertTrue(String.join("; ", repaired.shard(ShardId.of("s1")).notes()).contains("V5 ledger removed from the history"),
                    repaired.shard(ShardId.of("s1")).notes().toString());
            FleetReport done = migrator(cluster, migrations).migrate().orThrow();
            assertEquals(List.of("V5 ledger"), done.shard(ShardId.of("s1")).applied().stream().map(MigrationStep::label).toList());
            for (TestDatabase db : dbs.databases()) {
                assertEquals(List.of("1", "2", "3", "4", "5"), history(db), db.name());
            }
        }
    }
}
