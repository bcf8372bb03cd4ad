package io.shardkit.migrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code shard-migrate} process, signalled while a shard is half-way through a migration: SIGKILL, then a
 * re-run completes and no lock is left; SIGINT, and the process finishes the running shard, prints the report and
 * exits 130.
 */
class ProcessSignalTest {
    static final Map<String, String> ENV = Map.of("SHARD_PASSWORD", "unused-locally");

    /** Starts {@link Main} in a JVM of its own, on this test's class path, output to files in {@code dir}. */
    static Process start(Path dir, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectOutput(dir.resolve("stdout.txt").toFile())
                .redirectError(dir.resolve("stderr.txt").toFile());
        pb.environment().putAll(ENV);
        return pb.start();
    }

    static long count(TestDatabase db, String sql) {
        return Long.parseLong(Fleet.value(db, sql));
    }

    /** Advisory locks held on {@code db} by any session (pg_locks is server-wide: asked from the admin side of db). */
    static long advisoryLocks(TestDatabase db) {
        return count(db, "SELECT COUNT(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database"
                + " WHERE l.locktype = 'advisory' AND d.datname = current_database()");
    }

    /** Waits until a session on {@code db} is sleeping inside the slow migration, holding Flyway's lock. */
    static void awaitSleepingMigration(TestDatabase db, Process process, Path dir) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (count(db, "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()"
                + " AND state = 'active' AND query LIKE '%pg_sleep%' AND pid <> pg_backend_pid()") == 0) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("the slow migration never ran on " + db.name() + "\n" + output(dir));
            }
            Thread.sleep(25);
        }
    }

    static String output(Path dir) throws IOException {
        return "--- stdout\n" + Files.readString(dir.resolve("stdout.txt")) + "--- stderr\n"
                + Files.readString(dir.resolve("stderr.txt"));
    }

    @Test
    void killedMidMigrationTheRerunCompletesAndNoLockIsLeft(@TempDir Path dir) throws Exception {
        try (EmbeddedShards dbs = EmbeddedShards.start(Engine.POSTGRES, 3)) {
            ShardMigrateCliTest.migrations(dir, "sleepy");
            Path yml = Cli.shardsYml(dir, dbs, ShardMigrateCliTest.LOCATIONS);
            Process process = start(dir, "--config", yml.toString(), "--concurrency", "1", "migrate");
            try {
                awaitSleepingMigration(dbs.database(1), process, dir);
                assertTrue(advisoryLocks(dbs.database(1)) > 0, "Flyway holds its lock on s1 as the process dies");
                process.destroyForcibly();   // SIGKILL: no shutdown hook, no finally, no unlock
                assertTrue(process.waitFor(30, TimeUnit.SECONDS));
                assertEquals(137, process.exitValue(), output(dir));
            } finally {
                process.destroyForcibly();
            }
            assertEquals("2", Fleet.postgresVersion(dbs.database(0)), "s0 finished before the kill");
            assertEquals("1", Fleet.postgresVersion(dbs.database(1)), "s1 was killed inside V2, after committing V1");
            assertEquals("empty", Fleet.postgresVersion(dbs.database(2)), "s2 never started");

            // PostgreSQL ends the dead client's session once its statement returns; the rerun waits for the lock.
            Cli.Run rerun = Cli.run(ENV, "--config", yml.toString(), "--concurrency", "3", "--output", "json", "migrate");
            assertEquals(0, rerun.exitCode(), rerun.all());
            JsonNode json = new ObjectMapper().readTree(rerun.out());
            assertEquals(0, json.at("/shards/0/applied").size(), "s0: nothing to do");
            assertEquals("2", json.at("/shards/1/applied/0/version").asText(), "s1 resumes at V2");
            assertEquals(1, json.at("/shards/1/applied").size());
            assertEquals(2, json.at("/shards/2/applied").size());
            for (TestDatabase db : dbs.databases()) {
                assertEquals("2", Fleet.postgresVersion(db), db.name());
                assertEquals(0, count(db, "SELECT COUNT(*) FROM flyway_schema_history WHERE NOT success"), db.name());
                assertEquals(0, advisoryLocks(db), db.name() + ": no lock left behind");
            }
        }
    }

    /**
     * A process started with SIGINT ignored (a background job of a shell without job control) passes that on to its
     * children, and a JVM keeps an ignored SIGINT ignored, as it should: Ctrl-C cannot reach the CLI then.
     */
    static void assertSigintNotIgnored() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) return; // not Linux: no way to tell, the test says what it finds
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("SigIgn:") && (Long.parseLong(line.substring(7).trim(), 16) & (1L << 1)) != 0) {
                throw new AssertionError("this build runs with SIGINT ignored (started in the background by a shell"
                        + " without job control?); the CLI under test would inherit that — run the build in the"
                        + " foreground or with job control (set -m)");
            }
        }
    }

    @Test
    void ctrlCFinishesTheRunningShardPrintsTheReportAndExits130(@TempDir Path dir) throws Exception {
        assertSigintNotIgnored();
        try (EmbeddedShards dbs = EmbeddedShards.start(Engine.POSTGRES, 3)) {
            ShardMigrateCliTest.migrations(dir, "sleepy");
            Path yml = Cli.shardsYml(dir, dbs, ShardMigrateCliTest.LOCATIONS);
            Process process = start(dir, "--config", yml.toString(), "--concurrency", "1", "--output", "json", "migrate");
            try {
                awaitSleepingMigration(dbs.database(1), process, dir);
                Process kill = new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).inheritIO().start();
                assertEquals(0, kill.waitFor());
                assertTrue(process.waitFor(60, TimeUnit.SECONDS), output(dir));
                assertEquals(130, process.exitValue(), output(dir));
            } finally {
                process.destroyForcibly();
            }
            String out = Files.readString(dir.resolve("stdout.txt"));
            JsonNode json = new ObjectMapper().readTree(out);
            assertEquals("interrupted", json.get("status").asText(), output(dir));
            assertEquals(List.of("ok", "ok", "skipped"), List.of(json.at("/shards/0/state").asText(),
                    json.at("/shards/1/state").asText(), json.at("/shards/2/state").asText()), output(dir));
            assertEquals("not started: stop requested", json.at("/shards/2/notes/0").asText());
            String err = Files.readString(dir.resolve("stderr.txt"));
            assertTrue(err.contains("shard-migrate: interrupted — no new shard will start; waiting for the running ones"
                    + " (Ctrl-C again to stop at once)\n"), output(dir));
            assertTrue(err.contains("[2/3] s1 migrated 2 → V2 in "), output(dir));
            assertEquals("2", Fleet.postgresVersion(dbs.database(1)), "the running shard finished");
            assertEquals("empty", Fleet.postgresVersion(dbs.database(2)));
            assertEquals(0, advisoryLocks(dbs.database(1)));
        }
    }
}
