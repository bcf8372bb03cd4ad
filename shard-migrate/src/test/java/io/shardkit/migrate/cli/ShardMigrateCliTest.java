package io.shardkit.migrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardkit.migrate.Fleet;
import io.shardkit.test.EmbeddedShards;
import io.shardkit.test.Engine;
import io.shardkit.test.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** shard-migrate driven in-process, with captured stdout and stderr, on embedded PostgreSQL and H2. */
class ShardMigrateCliTest {
    static final String SENTINEL = "Sentinel-Pa55word-9f3e";
    static final Map<String, String> ENV = Map.of("SHARD_PASSWORD", SENTINEL);

    /** H2 checks the password: its databases' own. */
    static Map<String, String> env(EmbeddedShards h2) {
        return Map.of("SHARD_PASSWORD", h2.database(0).password());
    }
    static final String LOCATIONS = "migrations: { locations: [ \"filesystem:migrations\" ] }\n";

    /** The migration sets, copied into {@code dir/migrations} (where {@link #LOCATIONS} points). */
    static void migrations(Path dir, String... sets) {
        Fleet.migrations(dir.resolve("migrations"), sets);
    }

    static JsonNode json(Cli.Run run) {
        try {
            return new ObjectMapper().readTree(run.out());
        } catch (IOException e) {
            throw new AssertionError("stdout is not one JSON document:\n" + run.all(), e);
        }
    }

    @Test
    void jsonOnStdoutProgressOnStderrAndThePasswordNowhere(@TempDir Path dir) throws IOException {
        try (EmbeddedShards dbs = EmbeddedShards.start(Engine.POSTGRES, 3)) {
            migrations(dir, "base");
            Path yml = Cli.shardsYml(dir, dbs, LOCATIONS);
            // The password also inside db0's URL: printed URLs must be redacted.
            Files.writeString(yml, Files.readString(yml).replaceFirst("(url: \"[^\"]*)\"", "$1?password=" + SENTINEL + "\""));
            String config = yml.toString();
            List<Cli.Run> runs = new ArrayList<>();

            Cli.Run migrate = Cli.run(ENV, "--config", config, "--concurrency", "2", "--output", "json", "migrate");
            runs.add(migrate);
            assertEquals(0, migrate.exitCode(), migrate.all());
            JsonNode report = json(migrate);
            assertEquals("migrate", report.get("command").asText());
            assertEquals("ok", report.get("status").asText());
            assertEquals(0, report.get("exitCode").asInt());
            assertEquals(9, report.at("/summary/migrationsApplied").asInt());
            assertEquals(3, report.get("shards").size());
            JsonNode s0 = report.at("/shards/0");
            assertEquals("s0", s0.get("id").asText());
            assertEquals("db0", s0.get("database").asText());
            assertEquals(dbs.database(0).jdbcUrl() + "?password=*****", s0.get("url").asText());
            assertTrue(s0.get("versionBefore").isNull());
            assertEquals("3", s0.get("versionAfter").asText());
            assertEquals("V2__shard_settings.sql", s0.at("/applied/1/script").asText());
            assertTrue(s0.at("/applied/1/executionTimeMs").isNumber());
            assertTrue(s0.get("error").isNull());
            List<String> progress = migrate.err().lines().toList();
            assertEquals(4, progress.size(), migrate.all());
            assertTrue(progress.stream().limit(3).allMatch(l -> l.matches("\\[[123]/3] s[012] migrated 3 → V3 in \\d+ ms")),
                    migrate.all());
            assertTrue(progress.get(3).matches("migrate: 3 shards in \\d+ ms — 3 ok; 9 migrations applied; fleet at V3"
                    .replace("\\d+ ms", "[\\d.]+ m?s")), migrate.all());

            Cli.Run info = Cli.run(ENV, "--config", config, "--output", "json", "info");
            runs.add(info);
            assertEquals(0, info.exitCode(), info.all());
            assertEquals("3", json(info).at("/versions/0/version").asText());
            assertEquals(3, json(info).at("/versions/0/shards").size());

            Cli.Run text = Cli.run(ENV, "--config", config, "status");
            runs.add(text);
            assertEquals(0, text.exitCode(), text.all());
            assertTrue(text.out().startsWith("shard  database  state  version  pending  time"), text.all());
            assertTrue(text.out().contains("\nversions:\n  V3  3 shards: s0 s1 s2\n"), text.all());

            migrations(dir, "canary");   // fails on s0, with --verbose: stack traces, still no password
            Cli.Run failed = Cli.run(ENV, "--config", config, "--verbose", "--on-error", "continue", "migrate");
            runs.add(failed);
            assertEquals(3, failed.exitCode(), failed.all());
            assertTrue(failed.err().contains("[shard s0] FAILED:\norg.flywaydb.core.internal.exception.FlywayMigrateException"),
                    failed.all());
            runs.add(Cli.run(ENV, "--config", config, "--verbose", "--output", "json", "plan"));
            runs.add(Cli.run(ENV, "--config", config, "--verbose", "validate"));

            Path broken = Files.writeString(dir.resolve("broken.yml"), Files.readString(yml).replace("username:", "user:"));
            runs.add(Cli.run(ENV, "--config", broken.toString(), "--verbose", "info"));
            Path unreachable = Files.writeString(dir.resolve("unreachable.yml"),
                    Files.readString(yml).replaceAll("localhost:\\d+", "localhost:1"));
            Cli.Run down = Cli.run(ENV, "--config", unreachable.toString(), "--verbose", "--output", "json", "info");
            runs.add(down);
            assertEquals(1, down.exitCode(), down.all());
            assertEquals("error", json(down).get("status").asText());

            for (Cli.Run run : runs) {
                assertFalse(run.all().contains(SENTINEL), "the password leaked:\n" + run.all());
            }
        }
    }

    @Test
    void usageAndConfigurationErrorsExit2AndTouchNothing(@TempDir Path dir) throws IOException {
        Cli.Run none = Cli.run(ENV);
        assertEquals(2, none.exitCode());
        assertTrue(none.err().startsWith("shard-migrate: missing a command — one of migrate, info, status, validate, plan, "
                + "repair, baseline, clean\nFlyway on every shard of a Shardkit cluster.\nUsage: shard-migrate "), none.all());

        Cli.Run unknown = Cli.run(ENV, "--bogus", "info");
        assertEquals(2, unknown.exitCode());
        assertTrue(unknown.err().startsWith("Unknown option: '--bogus'"), unknown.all());

        Cli.Run noConfig = Cli.run(ENV, "info");
        assertEquals(2, noConfig.exitCode());
        assertTrue(noConfig.err().startsWith("Missing required option: '--config=FILE'"), noConfig.all());

        Cli.Run badEnum = Cli.run(ENV, "--config", "x.yml", "--on-error", "retry", "migrate");
        assertEquals(2, badEnum.exitCode());
        assertTrue(badEnum.err().startsWith("Invalid value for option '--on-error': 'retry' is not fail or continue"),
                badEnum.all());

        Path missing = dir.resolve("missing.yml");
        Cli.Run noFile = Cli.run(ENV, "--config", missing.toString(), "--output", "json", "migrate");
        assertEquals(2, noFile.exitCode());
        assertEquals("shard-migrate: invalid shard configuration (1 problem):\n  - " + missing
                + ": no such file — pass the path of your shards.yml\n", noFile.err());
        assertEquals("error", json(noFile).get("status").asText());
        assertEquals(2, json(noFile).get("exitCode").asInt());

        try (EmbeddedShards dbs = EmbeddedShards.start(Engine.H2, 2)) {
            migrations(dir, "base");
            Path yml = Cli.shardsYml(dir, dbs, LOCATIONS);
            Cli.Run badSettings = Cli.run(env(dbs), "--config", yml.toString(), "--concurrency", "0", "--shards", "s7", "migrate");
            assertEquals(2, badSettings.exitCode());
            assertEquals("shard-migrate: invalid shard configuration (2 problems):\n"
                    + "  - only: unknown shard 's7' — shards: [s0, s1]\n"
                    + "  - concurrency: must be at least 1, was 0 — 1 runs the shards one at a time\n", badSettings.err());

            Cli.Run badLocation = Cli.run(env(dbs), "--config", yml.toString(), "--locations", "filesystem:" + dir.resolve("none"), "info");
            assertEquals(2, badLocation.exitCode());
            assertTrue(badLocation.err().startsWith("shard-migrate: locations [filesystem:" + dir.resolve("none") + "]: "),
                    badLocation.all());
            assertEquals("empty", Cli.run(env(dbs), "--config", yml.toString(), "--output", "json", "info").out()
                    .contains("\"versionAfter\" : null") ? "empty" : "touched");
        }
    }

    @Test
    void theRunUsesPoolsOfItsOwnAndNoReplicas(@TempDir Path dir) throws IOException {
        try (EmbeddedShards dbs = EmbeddedShards.start(Engine.POSTGRES, 2)) {
            migrations(dir, "base");
            Path yml = Cli.shardsYml(dir, dbs, LOCATIONS);
            // A pool of 1 would starve Flyway on PostgreSQL, and the replica does not exist: neither matters here.
            Files.writeString(yml, Files.readString(yml).replace("pool: { maximumPoolSize: 3, minimumIdle: 0 }",
                    "pool: { maximumPoolSize: 1 }, replicas: [ { url: \"jdbc:postgresql://localhost:1/none\" } ]"));
            Cli.Run run = Cli.run(ENV, "--config", yml.toString(), "migrate");
            assertEquals(0, run.exitCode(), run.all());

            Files.writeString(yml, Files.readString(yml).replace("maximumPoolSize: 1", "maximumPoolSize: 0"));
            Cli.Run invalid = Cli.run(ENV, "--config", yml.toString(), "info");
            assertEquals(2, invalid.exitCode(), "the file is still checked as the service would read it\n" + invalid.all());
            assertTrue(invalid.err().contains("  - databases.db0.pool.maximumPoolSize: must be at least 1, was 0\n"), invalid.all());
        }
    }

    @Test
    void helpListsTheCommandsAndTheExitCodes() {
        Cli.Run help = Cli.run(ENV, "--help");
        assertEquals(0, help.exitCode());
        for (String line : List.of("Exit codes:", "    0   every shard succeeded",
                "    2   usage or configuration error; nothing was touched",
                "    3   some shards failed, or were not started after a failure",
                "    4   a history does not match the migrations or drifts from the fleet",
                "    5   a canary shard failed; nothing else was touched",
                "  130   interrupted (Ctrl-C): running shards finished, the rest skipped",
                "    1   anything else, e.g. a database that cannot be reached at start-up",
                "  migrate", "  info, status", "  validate", "  plan", "  repair", "  baseline", "  clean",
                "      --on-error=fail|continue", "      --output=text|json", "      --allow-clean")) {
            assertTrue(help.out().contains(line), "no '" + line + "' in\n" + help.out());
        }
        Cli.Run migrateHelp = Cli.run(ENV, "migrate", "--help");
        assertEquals(0, migrateHelp.exitCode());
        assertTrue(migrateHelp.out().contains("  130   interrupted (Ctrl-C)"), migrateHelp.out());
        Cli.Run version = Cli.run(ENV, "--version");
        assertEquals(0, version.exitCode());
        assertTrue(version.out().matches("shard-migrate \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\(Flyway 13\\.12\\.0\\)\n"), version.out());
    }

    @Test
    void cleanNeedsTheConfigurationAndTheFlag(@TempDir Path dir) {
        try (EmbeddedShards dbs = EmbeddedShards.start(Engine.H2, 2)) {
            migrations(dir, "base");
            Path plain = Cli.shardsYml(dir.resolve("plain"), dbs, "migrations: { locations: [ \"filesystem:../migrations\" ] }\n");
            Path allowing = Cli.shardsYml(dir.resolve("allowing"), dbs,
                    "migrations: { locations: [ \"filesystem:../migrations\" ], allowClean: true }\n");
            assertEquals(0, Cli.run(env(dbs), "--config", plain.toString(), "migrate").exitCode());
            String refused = "shard-migrate: clean refused: it drops every object in the schema of every shard, so it needs "
                    + "migrations: { allowClean: true } in shards.yml and --allow-clean on the command line (";
            assertEquals(refused + "neither is set)\n", Cli.run(env(dbs), "--config", plain.toString(), "clean").err());
            assertEquals(refused + "migrations.allowClean is not true in " + plain + ")\n",
                    Cli.run(env(dbs), "--config", plain.toString(), "--allow-clean", "clean").err());
            Cli.Run flagMissing = Cli.run(env(dbs), "--config", allowing.toString(), "clean");
            assertEquals(2, flagMissing.exitCode());
            assertEquals(refused + "--allow-clean was not given)\n", flagMissing.err());
            assertEquals("1", Fleet.value(dbs.database(0), "SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME = 'ACCOUNTS'"));

            Cli.Run clean = Cli.run(env(dbs), "--config", allowing.toString(), "--allow-clean", "clean");
            assertEquals(0, clean.exitCode(), clean.all());
            assertTrue(clean.err().startsWith("[1/2] s0 cleaned in "), clean.all());
            assertEquals("0", Fleet.value(dbs.database(0), "SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME = 'ACCOUNTS'"));
        }
    }

    @Test
    void aStopRequestPrintsTheReportAndExits130(@TempDir Path dir) {
        try (EmbeddedShards dbs = EmbeddedShards.start(Engine.H2, 3)) {
            migrations(dir, "base");
            Path yml = Cli.shardsYml(dir, dbs, LOCATIONS);
            AtomicInteger asked = new AtomicInteger();
            Cli.Run run = Cli.run(env(dbs), () -> asked.incrementAndGet() > 1, "--config", yml.toString(), "--output", "json", "migrate");
            assertEquals(130, run.exitCode(), run.all());
            JsonNode json = json(run);
            assertEquals("interrupted", json.get("status").asText());
            assertTrue(json.get("interrupted").asBoolean());
            assertEquals(List.of("ok", "skipped", "skipped"), List.of(json.at("/shards/0/state").asText(),
                    json.at("/shards/1/state").asText(), json.at("/shards/2/state").asText()));
            assertTrue(run.err().contains("shard-migrate: no new shard will start: stop requested\n"), run.all());
        }
    }

    @Test
    void optionsMayFollowTheCommandAndTargetStopsAtAVersion(@TempDir Path dir) {
        try (EmbeddedShards dbs = EmbeddedShards.start(Engine.H2, 3)) {
            migrations(dir, "base");
            Path yml = Cli.shardsYml(dir, dbs, LOCATIONS);
            Cli.Run run = Cli.run(env(dbs), "migrate", "--config", yml.toString(), "--target", "2", "--exclude", "s1");
            assertEquals(0, run.exitCode(), run.all());
            assertEquals(List.of("s0", "db0", "ok", "empty", "V2", "2"), Cli.row(run.out(), "s0").subList(0, 6), run.all());
            assertFalse(run.out().contains("\ns1 "), run.all());
            Cli.Run info = Cli.run(env(dbs), "--config", yml.toString(), "info");
            assertTrue(info.out().contains("\nversions:\n  V2     2 shards: s0 s2\n  empty  1 shard:  s1\n"), info.all());
            assertEquals(List.of("s0", "db0", "pending", "V2", "1"), Cli.row(info.out(), "s0").subList(0, 5), info.all());
        }
    }

    @Test
    void baselineAdoptsExistingSchemas(@TempDir Path dir) throws SQLException {
        try (EmbeddedShards dbs = EmbeddedShards.start(Engine.H2, 2)) {
            migrations(dir, "base", "index");
            Path yml = Cli.shardsYml(dir, dbs, LOCATIONS);
            for (TestDatabase db : dbs.databases()) {   // made by hand before Flyway, as V1..V3 would have
                try (Connection c = db.open()) {
                    c.createStatement().execute("CREATE TABLE accounts (id BIGINT PRIMARY KEY, name VARCHAR(100) NOT NULL, email VARCHAR(200))");
                }
            }
            Cli.Run refused = Cli.run(env(dbs), "--config", yml.toString(), "migrate");
            assertEquals(3, refused.exitCode(), refused.all());
            assertTrue(refused.out().contains("but no schema history table. Use baseline()"), refused.all());

            Cli.Run baseline = Cli.run(env(dbs), "--config", yml.toString(), "--baseline-version", "3", "baseline");
            assertEquals(0, baseline.exitCode(), baseline.all());
            assertTrue(baseline.err().startsWith("[1/2] s0 baselined at V3 in "), baseline.all());
            Cli.Run migrate = Cli.run(env(dbs), "--config", yml.toString(), "--output", "json", "migrate");
            assertEquals(0, migrate.exitCode(), migrate.all());
            assertEquals("4", json(migrate).at("/shards/1/applied/0/version").asText(), "only V4 runs");
            assertEquals(1, json(migrate).at("/shards/1/applied").size());
        }
    }
}
