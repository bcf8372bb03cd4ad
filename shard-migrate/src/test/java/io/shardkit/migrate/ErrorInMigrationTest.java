package io.shardkit.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.shardkit.cluster.ShardCluster;
import io.shardkit.migrate.cli.Cli;
import io.shardkit.migrate.cli.ExitCodes;
import io.shardkit.router.ShardId;
import io.shardkit.test.EmbeddedShards;
import io.shardkit.test.Engine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Java migration that throws an {@link Error} fails its shard and the run goes on. The bound only keeps a
 * regression from hanging the build: a run that loses a worker's result waits forever.
 */
class ErrorInMigrationTest {
    static final String LOCATION = "classpath:io/shardkit/migrate/javafail";
    static final Duration HANG = Duration.ofSeconds(60);

    @Test
    void anAssertionErrorFailsItsShardAndTheRunReturns() {
        try (EmbeddedShards dbs = EmbeddedShards.start(Engine.H2, 3); ShardCluster cluster = Fleet.cluster(dbs)) {
            FleetReport report = assertTimeoutPreemptively(HANG, () -> ShardMigrator.configure().cluster(cluster)
                    .locations(LOCATION).concurrency(3).load().migrate());
            assertEquals(FleetReport.Status.FAILED, report.status());
            assertEquals(List.of(ShardState.OK, ShardState.FAILED, ShardState.OK),
                    report.shards().stream().map(MigrationOutcome::state).toList());
            ShardError error = report.shard(ShardId.of("s1")).error().orElseThrow();
            assertEquals("java.lang.AssertionError: backfill invariant broken on s1", error.message());
            assertEquals(AssertionError.class, error.cause().orElseThrow().getClass());
            assertEquals(List.of("0"), Fleet.query(dbs.database(1),
                    "SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME = 'JAVA_MIGRATED'"));
            assertEquals(List.of("1"), Fleet.query(dbs.database(2),
                    "SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME = 'JAVA_MIGRATED'"));
        }
    }

    @Test
    void theCliExitsWithPartialFailureInsteadOfHanging(@TempDir Path dir) {
        try (EmbeddedShards dbs = EmbeddedShards.start(Engine.H2, 3)) {
            Path yml = Cli.shardsYml(dir, dbs, "migrations: { locations: [ \"" + LOCATION + "\" ] }\n");
            Cli.Run run = assertTimeoutPreemptively(HANG, () -> Cli.run(Map.of("SHARD_PASSWORD", dbs.database(0).password()),
                    "--config", yml.toString(), "migrate"));
            assertEquals(ExitCodes.SHARDS_FAILED, run.exitCode(), run.all());
            assertEquals(List.of("s1", "db1", "FAILED", "empty", "empty", "0"), Cli.row(run.out(), "s1").subList(0, 6), run.all());
            assertEquals("java.lang.AssertionError: backfill invariant broken on s1", Cli.row(run.out(), "s1").getLast());
            assertEquals("not started: s1 failed and onError is FAIL", Cli.row(run.out(), "s2").getLast(), run.all());
        }
    }
}
