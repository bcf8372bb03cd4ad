package io.shardkit.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardkit.cluster.ShardCluster;
import io.shardkit.migrate.cli.Cli;
import io.shardkit.router.ShardId;
import io.shardkit.test.EmbeddedShards;
import io.shardkit.test.Engine;
import io.shardkit.test.TestDatabase;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fleets of real PostgreSQL databases on the one embedded server: the scenarios, end to end. */
class PostgresFleetTest {
    static final Map<String, String> ENV = Map.of("SHARD_PASSWORD", "unused-locally");

    static String version(TestDatabase db) {
        return Fleet.postgresVersion(db);
    }

    static boolean hasTable(TestDatabase db, String table) {
        return Fleet.value(db, "SELECT to_regclass('public." + table + "') IS NOT NULL").equals("t");
    }

    static List<String> failedRows(TestDatabase db) {
        return Fleet.query(db, "SELECT version FROM flyway_schema_history WHERE NOT success");
    }

    @Test
    void sixteenShardsFromEmptyToLatestThenOnlyTheNewMigrationRuns(@TempDir Path dir) {
        try (EmbeddedShards dbs = EmbeddedShards.start(Engine.POSTGRES, 16); ShardCluster cluster = Fleet.cluster(dbs)) {
            Path migrations = Fleet.migrations(dir, "base");
            FleetReport first = ShardMigrator.configure().cluster(cluster).locations(Fleet.location(migrations))
                    .concurrency(4).load().migrate().orThrow();
            for (MigrationOutcome o : first.shards()) {
                assertEquals(List.of("V1 accounts", "V2 shard settings", "V3 account email"),
                        o.applied().stream().map(MigrationStep::label).toList(), o.shard().value());
                assertEquals("empty → V3", o.versionBeforeLabel() + " → " + o.versionLabel());
            }
            // the migrator created the decision table of atomic transactions on every shard: their checks pass
            cluster.atomic().check();
            assertEquals(List.of("0"), Fleet.query(dbs.database(5), "SELECT COUNT(*) FROM shardkit_atomic_decisions"));

            FleetReport info = ShardMigrator.configure().cluster(cluster).locations(Fleet.location(migrations))
                    .load().info().orThrow();
            assertEquals(1, info.byVersion().size(), "one version across the fleet");
            assertEquals("V3", info.byVersion().getFirst().label());
            assertEquals(16, info.byVersion().getFirst().shards().size());
            assertEquals(16, info.inState(ShardState.OK).size());
            assertEquals("info: 16 shards in", info.summaryLine().substring(0, 18));

            Fleet.migrations(migrations, "index");
            ShardMigrator next = ShardMigrator.configure().cluster(cluster).locations(Fleet.location(migrations))
                    .concurrency(4).load();
            FleetReport plan = next.plan().orThrow();
            assertEquals(16, plan.inState(ShardState.PENDING).size());
            assertEquals(List.of("V4 account name index"), plan.shard(ShardId.of("s9")).pending().stream()
                    .map(MigrationStep::label).toList());
            assertEquals("3", version(dbs.database(9)), "plan changes nothing");

            FleetReport second = next.migrate().orThrow();
            for (MigrationOutcome o : second.shards()) {
                assertEquals(List.of("V4 account name index"), o.applied().stream().map(MigrationStep::label).toList());
                assertEquals("V3 → V4", o.versionBeforeLabel() + " → " + o.versionLabel());
            }
            for (TestDatabase db : dbs.databases()) {
                assertEquals("4", version(db));
                assertEquals(List.of("4"), Fleet.query(db, "SELECT COUNT(*) FROM flyway_schema_history"),
                        "4 migrations, each once");
            }
        }
    }

    @Test
    void aMigrationThatFailsOnShard5StopsThereAndARerunAfterTheFixCompletes(@TempDir Path dir) {
        try (EmbeddedShards dbs = EmbeddedShards.start(Engine.POSTGRES, 16)) {
            Fleet.migrations(dir.resolve("migrations"), "base", "ledger");
            Path yml = Cli.shardsYml(dir, dbs, "migrations: { locations: [ \"filesystem:migrations\" ] }\n");

            Cli.Run run = Cli.run(ENV, "--config", yml.toString(), "--concurrency", "1", "--on-error", "fail", "migrate");
            assertEquals(3, run.exitCode(), run.all());
            for (int i = 0; i < 16; i++) {
                TestDatabase db = dbs.database(i);
                String expected = i < 5 ? "4" : i == 5 ? "3" : "empty";
                assertEquals(expected, version(db), "s" + i + "\n" + run.all());
                assertEquals(i < 5, hasTable(db, "ledger"), "s" + i);
                if (i <= 5) assertEquals(List.of(), failedRows(db), "s" + i + ": PostgreSQL rolled V4 back; no failed row");
            }
            assertTrue(run.err().contains("[6/16] s5 FAILED at V3 in "), run.all());
            assertTrue(run.err().contains(": ERROR: division by zero (V4__ledger.sql)\n"), run.all());
            assertTrue(run.err().contains("shard-migrate: no new shard will start: s5 failed and onError is FAIL\n"), run.all());
            assertTrue(run.err().contains("migrate: 16 shards in "), run.all());
            assertTrue(run.err().contains(" — 5 ok, 1 failed (s5), 10 skipped; 23 migrations applied; versions V4 ×5, V3 ×1\n"),
                    run.all());
            List<String> s5 = Cli.row(run.out(), "s5");
            assertEquals(List.of("s5", "db5", "FAILED", "empty", "V3", "3"), s5.subList(0, 6), run.all());
            assertEquals("ERROR: division by zero (V4__ledger.sql)", s5.get(7));
            assertEquals(List.of("s6", "db6", "skipped", "not started: s5 failed and onError is FAIL"), Cli.row(run.out(), "s6"));

            Fleet.execute(dbs.database(5), "UPDATE shard_settings SET divisor = 1");   // the fix
            Cli.Run rerun = Cli.run(ENV, "--config", yml.toString(), "--concurrency", "4", "--output", "json", "migrate");
            assertEquals(0, rerun.exitCode(), rerun.all());
            JsonNode json = json(rerun.out());
            assertEquals("ok", json.get("status").asText());
            assertEquals(0, json.at("/shards/0/applied").size(), "s0 was already at V4: a no-op");
            assertEquals("4", json.at("/shards/5/applied/0/version").asText(), "s5 retried V4 alone");
            assertEquals(1, json.at("/shards/5/applied").size());
            assertEquals(4, json.at("/shards/15/applied").size(), "s15 starts from empty");
            IntStream.range(0, 16).forEach(i -> assertEquals("4", version(dbs.database(i)), "s" + i));
            assertEquals("4", json.at("/versions/0/version").asText());
            assertEquals(16, json.at("/versions/0/shards").size());
        }
    }

    @Test
    void aFailedCanaryLeavesEveryOtherShardUntouched(@TempDir Path dir) {
        try (EmbeddedShards dbs = EmbeddedShards.start(Engine.POSTGRES, 4)) {
            Fleet.migrations(dir.resolve("migrations"), "base");
            Path yml = Cli.shardsYml(dir, dbs, "migrations: { locations: [ \"filesystem:migrations\" ] }\n");
            assertEquals(0, Cli.run(ENV, "--config", yml.toString(), "migrate").exitCode());
            Fleet.migrations(dir.resolve("migrations"), "canary");

            Cli.Run run = Cli.run(ENV, "--config", yml.toString(), "--canary", "1", "--concurrency", "4",
                    "--on-error", "continue", "migrate");
            assertEquals(5, run.exitCode(), run.all());
            assertTrue(run.err().contains("shard-migrate: no new shard will start: canary s0 failed\n"), run.all());
            assertTrue(run.err().contains("[1/4] s0 FAILED at V3 in "), run.all());
            assertTrue(run.err().endsWith("; canary s0 failed\n"), run.all());
            for (int i = 0; i < 4; i++) {
                assertEquals("3", version(dbs.database(i)), "s" + i);
                assertEquals(false, hasTable(dbs.database(i), "ledger"), "s" + i);
            }
            assertEquals(List.of("s3", "db3", "skipped", "not started: canary s0 failed"), Cli.row(run.out(), "s3"));
        }
    }

    @Test
    void aHistoryAlteredByHandIsDriftThatValidateNamesAndRepairAccepts(@TempDir Path dir) {
        try (EmbeddedShards dbs = EmbeddedShards.start(Engine.POSTGRES, 4)) {
            Fleet.migrations(dir.resolve("migrations"), "base");
            Path yml = Cli.shardsYml(dir, dbs, "migrations: { locations: [ \"filesystem:migrations\" ] }\n");
            assertEquals(0, Cli.run(ENV, "--config", yml.toString(), "--concurrency", "4", "migrate").exitCode());
            assertEquals(0, Cli.run(ENV, "--config", yml.toString(), "validate").exitCode());
            String checksum = Fleet.query(dbs.database(2), "SELECT checksum FROM flyway_schema_history WHERE version = '2'").getFirst();
            Fleet.execute(dbs.database(2), "UPDATE flyway_schema_history SET checksum = 12345 WHERE version = '2'");

            Cli.Run run = Cli.run(ENV, "--config", yml.toString(), "--output", "json", "validate");
            assertEquals(4, run.exitCode(), run.all());
            JsonNode json = json(run.out());
            assertEquals("invalid", json.get("status").asText());
            assertEquals("invalid", json.at("/shards/2/state").asText());
            assertTrue(json.at("/shards/2/error/message").asText().contains("Migration checksum mismatch for migration version 2"),
                    run.all());
            assertEquals("ok", json.at("/shards/1/state").asText());
            assertEquals(1, json.get("drift").size());
            assertEquals("s2", json.at("/drift/0/shard").asText());
            assertEquals("checksum 12345 here, " + checksum + " on 3 other shards", json.at("/drift/0/detail").asText());
            assertTrue(run.err().contains("; drift on s2\n"), run.all());

            Cli.Run text = Cli.run(ENV, "--config", yml.toString(), "validate");
            assertEquals(4, text.exitCode());
            assertTrue(text.out().contains("\ndrift:\n  [shard s2] V2: checksum 12345 here, " + checksum + " on 3 other shards\n"),
                    text.all());

            List<String> s2 = Cli.row(text.out(), "s2");
            assertEquals(List.of("s2", "db2", "INVALID", "V3", "0"), s2.subList(0, 5), text.all());
            assertEquals("Migration checksum mismatch for migration version 2", s2.get(6));
            assertTrue(text.out().contains("    Either revert the changes to the migration, or run repair to update the schema history.\n"),
                    text.all());
            Cli.Run info = Cli.run(ENV, "--config", yml.toString(), "--output", "json", "info");
            assertEquals(4, info.exitCode(), "info shows drift too\n" + info.all());
            assertEquals("s2", json(info.out()).at("/drift/0/shard").asText());

            Cli.Run repair = Cli.run(ENV, "--config", yml.toString(), "--shards", "s2", "repair");
            assertEquals(0, repair.exitCode(), repair.all());
            assertEquals(checksum, Fleet.query(dbs.database(2), "SELECT checksum FROM flyway_schema_history WHERE version = '2'").getFirst());
            assertEquals(0, Cli.run(ENV, "--config", yml.toString(), "validate").exitCode());
        }
    }

    static JsonNode json(String text) {
        try {
            return new ObjectMapper().readTree(text);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }
}
