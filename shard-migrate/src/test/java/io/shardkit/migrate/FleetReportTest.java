package io.shardkit.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.shardkit.migrate.DriftDetector.Applied;
import io.shardkit.router.ShardId;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** FleetReport, ShardError and drift detection as plain values. */
class FleetReportTest {

    static MigrationOutcome outcome(String id, ShardState state, String after, int applied) {
        Optional<ShardError> error = state == ShardState.FAILED || state == ShardState.INVALID
                ? Optional.of(new ShardError("Migration V4__ledger.sql failed\n--------\nSQL State  : 22012\nMessage    : ERROR: division by zero\nLine : 3",
                        Optional.of("V4__ledger.sql"), Optional.of("22012"), Optional.empty()))
                : Optional.empty();
        List<MigrationStep> steps = java.util.stream.IntStream.range(0, applied)
                .mapToObj(i -> new MigrationStep(Optional.of("" + (i + 1)), "m" + i, "V" + (i + 1) + "__m.sql",
                        Optional.of(Duration.ofMillis(5)))).toList();
        return new MigrationOutcome(ShardId.of(id), Integer.parseInt(id.substring(1)), "db" + id.substring(1), Optional.empty(),
                state, Optional.empty(), Optional.ofNullable(after), steps, List.of(), Duration.ofMillis(10), error,
                state == ShardState.SKIPPED ? List.of("not started: s1 failed and onError is FAIL") : List.of());
    }

    static FleetReport report(FleetCommand command, List<MigrationOutcome> shards, List<HistoryDrift> drift,
                              boolean interrupted, String canary) {
        return new FleetReport(command, shards, drift, Duration.ofMillis(2410), interrupted,
                Optional.ofNullable(canary).map(ShardId::of));
    }

    @Test
    void statusIsTheWorstThatApplies() {
        List<MigrationOutcome> ok = List.of(outcome("s0", ShardState.OK, "3", 3), outcome("s1", ShardState.PENDING, "2", 0));
        assertEquals(FleetReport.Status.OK, report(FleetCommand.INFO, ok, List.of(), false, null).status());
        HistoryDrift drift = new HistoryDrift(ShardId.of("s1"), "2", "checksum 1 here, 2 on 1 other shard");
        assertEquals(FleetReport.Status.INVALID, report(FleetCommand.VALIDATE, ok, List.of(drift), false, null).status());
        List<MigrationOutcome> failed = List.of(outcome("s0", ShardState.OK, "3", 3), outcome("s1", ShardState.FAILED, "2", 0),
                outcome("s2", ShardState.SKIPPED, null, 0));
        assertEquals(FleetReport.Status.FAILED, report(FleetCommand.MIGRATE, failed, List.of(drift), false, null).status());
        assertEquals(FleetReport.Status.CANARY_FAILED, report(FleetCommand.MIGRATE, failed, List.of(), false, "s1").status());
        assertEquals(FleetReport.Status.INTERRUPTED, report(FleetCommand.MIGRATE, failed, List.of(), true, "s1").status());
    }

    @Test
    void versionsAreGroupedNewestFirstAsVersionsCompare() {
        FleetReport r = report(FleetCommand.INFO, List.of(outcome("s0", ShardState.OK, "9", 0),
                outcome("s1", ShardState.OK, null, 0), outcome("s2", ShardState.OK, "10", 0),
                outcome("s3", ShardState.OK, "9", 0), outcome("s4", ShardState.SKIPPED, null, 0),
                outcome("s5", ShardState.OK, "1.10", 0)), List.of(), false, null);
        assertEquals(List.of("V10 [s2]", "V9 [s0, s3]", "V1.10 [s5]", "empty [s1]"),
                r.byVersion().stream().map(g -> g.label() + " " + g.shards()).toList());
    }

    @Test
    void theSummaryLineCountsNamesAndGroups() {
        FleetReport r = report(FleetCommand.MIGRATE, List.of(outcome("s0", ShardState.OK, "4", 1),
                outcome("s1", ShardState.FAILED, "3", 0), outcome("s2", ShardState.SKIPPED, null, 0)), List.of(), false, null);
        assertEquals("migrate: 3 shards in 2.41 s — 1 ok, 1 failed (s1), 1 skipped; 1 migration applied; versions V4 ×1, V3 ×1",
                r.summaryLine());
        assertEquals(new FleetReport.Summary(3, 1, 0, 1, 0, 1, 1), r.summary());
        FleetReport info = report(FleetCommand.INFO, List.of(outcome("s0", ShardState.OK, "4", 0),
                outcome("s1", ShardState.OK, "4", 0)), List.of(), false, null);
        assertEquals("info: 2 shards in 2.41 s — 2 ok; fleet at V4", info.summaryLine());
    }

    @Test
    void orThrowNamesTheShardsAndSaysWhatToDo() {
        FleetReport ok = report(FleetCommand.MIGRATE, List.of(outcome("s0", ShardState.OK, "4", 1)), List.of(), false, null);
        assertSame(ok, ok.orThrow());

        FleetReport failed = report(FleetCommand.MIGRATE, List.of(outcome("s0", ShardState.OK, "4", 1),
                outcome("s1", ShardState.FAILED, "3", 0), outcome("s2", ShardState.SKIPPED, null, 0)), List.of(), false, null);
        FleetMigrationException e = assertThrows(FleetMigrationException.class, failed::orThrow);
        assertEquals("[shard s1] migrate failed on 1 of 3 shards (s1: ERROR: division by zero (V4__ledger.sql)); 1 not "
                + "started — fix the cause and run migrate again: shards already done do nothing, failed ones are retried",
                e.getMessage());
        assertSame(failed, e.report());

        FleetReport canary = report(FleetCommand.MIGRATE, List.of(outcome("s0", ShardState.FAILED, null, 0),
                outcome("s1", ShardState.SKIPPED, null, 0)), List.of(), false, "s0");
        assertEquals("[shard s0] canary failed: ERROR: division by zero (V4__ledger.sql) — no other shard was touched; "
                + "fix it and run migrate again", assertThrows(FleetMigrationException.class, canary::orThrow).getMessage());

        FleetReport drifted = report(FleetCommand.VALIDATE, List.of(outcome("s0", ShardState.OK, "3", 0),
                        outcome("s1", ShardState.OK, "3", 0)),
                List.of(new HistoryDrift(ShardId.of("s1"), "2", "checksum 7 here, 8 on 1 other shard")), false, null);
        assertEquals("[shards s1] schema histories drift from the fleet; drift: [shard s1] V2: checksum 7 here, 8 on 1 "
                + "other shard — restore the changed migrations, or run repair to accept them",
                assertThrows(FleetMigrationException.class, drifted::orThrow).getMessage());
    }

    @Test
    void anErrorSummaryIsTheDatabasesOwnMessage() {
        assertEquals("ERROR: division by zero (V4__ledger.sql)", outcome("s1", ShardState.FAILED, "3", 0).error()
                .orElseThrow().summary());
        assertEquals("Validate failed: Migration checksum mismatch for migration version 2",
                new ShardError("Validate failed: Migration checksum mismatch for migration version 2\n-> Applied to database : 1",
                        Optional.empty(), Optional.empty(), Optional.empty()).summary());
        assertEquals(List.of("error must be present exactly when the state is FAILED or INVALID: OK with an error"),
                List.of(assertThrows(IllegalArgumentException.class, () -> new MigrationOutcome(ShardId.of("s0"), 0, "db0",
                        Optional.empty(), ShardState.OK, Optional.empty(), Optional.empty(), List.of(), List.of(),
                        Duration.ZERO, outcome("s1", ShardState.FAILED, "3", 0).error(), List.of())).getMessage()));
    }

    static Applied v(String version, int checksum) {
        return new Applied(version, "m" + version, checksum, "SQL");
    }

    @Test
    void driftIsADisagreementNotBeingBehind() {
        Map<ShardId, List<Applied>> histories = new LinkedHashMap<>();
        histories.put(ShardId.of("s0"), List.of(v("1", 10), v("2", 20), v("3", 30)));
        histories.put(ShardId.of("s1"), List.of(v("1", 10), v("2", 20)));                  // behind: fine
        histories.put(ShardId.of("s2"), List.of(v("1", 10), v("2", 21), v("3", 30)));      // V2 changed by hand
        histories.put(ShardId.of("s3"), List.of(v("1", 10), v("3", 30)));                  // V2 missing below V3
        histories.put(ShardId.of("s4"), List.of(v("1", 10), v("2", 20), v("3", 30), v("4", 40))); // ahead: fine
        histories.put(ShardId.of("s5"), List.of(v("3", 30), v("1", 10), v("2", 20)));      // any order in, sorted by version
        histories.put(ShardId.of("s6"), List.of());                                         // empty: fine
        assertEquals(List.of(
                "[shard s2] V2: checksum 21 here, 20 on 4 other shards",
                "[shard s3] V2: missing here while later versions are applied; applied on 4 other shards"),
                DriftDetector.detect(histories).stream().map(HistoryDrift::toString).toList());
    }

    @Test
    void driftNamesAnExtraVersionAndOtherDifferences() {
        Map<ShardId, List<Applied>> histories = new LinkedHashMap<>();
        histories.put(ShardId.of("s0"), List.of(v("1", 10), v("3", 30)));
        histories.put(ShardId.of("s1"), List.of(v("1", 10), v("3", 30)));
        histories.put(ShardId.of("s2"), List.of(v("1", 10), v("2", 20), v("3", 30)));
        histories.put(ShardId.of("s3"), List.of(new Applied("1", "renamed", 11, "JDBC")));
        assertEquals(List.of(
                "[shard s2] V2: applied here ('m2') but not on the 2 other shards that have V3",
                "[shard s3] V1: checksum 11 here, 10 on 3 other shards; description 'renamed' here, 'm1' on 3 other "
                        + "shards; type JDBC here, SQL on 3 other shards"),
                DriftDetector.detect(histories).stream().map(HistoryDrift::toString).toList());
        assertEquals(List.of(), DriftDetector.detect(Map.of(ShardId.of("s0"), List.of(v("1", 1)))));
    }
}
