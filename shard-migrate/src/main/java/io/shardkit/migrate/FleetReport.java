package io.shardkit.migrate;

import io.shardkit.router.ShardId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.flywaydb.core.api.MigrationVersion;

/**
 * What a fleet command did: one outcome per shard, in shard order, and what the fleet looks like as a whole.
 * Partial failure is data here; {@link #orThrow()} turns it into an exception for callers who prefer one.
 *
 * @param command      the command that ran
 * @param shards       one outcome per targeted shard, in the cluster's order
 * @param drift        shards whose history disagrees with the rest of the fleet ({@code info} and {@code validate})
 * @param duration     wall-clock time of the whole command
 * @param interrupted  whether a stop request ended the run early (the shards then running finished)
 * @param failedCanary the canary shard whose failure stopped the run before any other shard was touched
 */
public record FleetReport(FleetCommand command, List<MigrationOutcome> shards, List<HistoryDrift> drift, Duration duration,
                          boolean interrupted, Optional<ShardId> failedCanary) {

    /** The fleet's result as a whole, from worst to best: the first that applies. */
    public enum Status {
        /** A stop request ended the run; shards not yet started were skipped. */
        INTERRUPTED,
        /** A canary shard failed; no other shard was touched. */
        CANARY_FAILED,
        /** Some shards failed (or were not started because one failed). */
        FAILED,
        /** Every shard ran, but some histories are invalid or drift from the fleet. */
        INVALID,
        /** Every shard succeeded. */
        OK
    }

    /** Counts by state, and the migrations this command applied across the fleet. */
    public record Summary(int shards, int ok, int pending, int failed, int invalid, int skipped, int migrationsApplied) {
    }

    /** The shards at one schema version; {@code version} is empty for shards without a history. */
    public record VersionGroup(Optional<String> version, List<ShardId> shards) {
        public VersionGroup {
            Objects.requireNonNull(version, "version");
            shards = List.copyOf(shards);
        }

        /** {@code V7}, or {@code empty}. */
        public String label() {
            return MigrationOutcome.label(version);
        }
    }

    public FleetReport {
        Objects.requireNonNull(command, "command");
        shards = List.copyOf(shards);
        drift = List.copyOf(drift);
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(failedCanary, "failedCanary");
    }

    public Status status() {
        if (interrupted) return Status.INTERRUPTED;
        if (failedCanary.isPresent()) return Status.CANARY_FAILED;
        if (shards.stream().anyMatch(s -> s.state() == ShardState.FAILED || s.state() == ShardState.SKIPPED)) {
            return Status.FAILED;
        }
        if (!drift.isEmpty() || shards.stream().anyMatch(s -> s.state() == ShardState.INVALID)) return Status.INVALID;
        return Status.OK;
    }

    /** Whether every shard succeeded: nothing failed, skipped or invalid, no drift, not interrupted. */
    public boolean succeeded() {
        return status() == Status.OK;
    }

    public Summary summary() {
        return new Summary(shards.size(), count(ShardState.OK), count(ShardState.PENDING), count(ShardState.FAILED),
                count(ShardState.INVALID), count(ShardState.SKIPPED),
                shards.stream().mapToInt(s -> s.applied().size()).sum());
    }

    /** The outcomes in {@code state}, in shard order. */
    public List<MigrationOutcome> inState(ShardState state) {
        return shards.stream().filter(s -> s.state() == state).toList();
    }

    /** The outcome of one shard. */
    public MigrationOutcome shard(ShardId id) {
        return shards.stream().filter(s -> s.shard().equals(id)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("no shard '" + id + "' in this report — shards: "
                        + shards.stream().map(MigrationOutcome::shard).toList()));
    }

    /**
     * The shards grouped by their version after the command, newest version first, shards without a history last;
     * skipped shards are left out (their version was not read). One group means the fleet is at one version.
     */
    public List<VersionGroup> byVersion() {
        Map<Optional<String>, List<ShardId>> groups = new LinkedHashMap<>();
        shards.stream().filter(s -> s.state() != ShardState.SKIPPED)
                .forEach(s -> groups.computeIfAbsent(s.versionAfter(), v -> new ArrayList<>()).add(s.shard()));
        Comparator<Optional<String>> newestFirst = Comparator.comparing(
                (Optional<String> v) -> v.map(MigrationVersion::fromVersion).orElse(null),
                Comparator.nullsLast(Comparator.<MigrationVersion>reverseOrder()));
        return groups.entrySet().stream().sorted(Map.Entry.comparingByKey(newestFirst))
                .map(e -> new VersionGroup(e.getKey(), e.getValue())).toList();
    }

    /**
     * One line for a log or a terminal, e.g.
     * {@code migrate: 16 shards in 2.41 s — 5 ok, 1 failed (s5), 10 skipped; 5 migrations applied; versions V4 ×5, V3 ×11}.
     */
    public String summaryLine() {
        Summary s = summary();
        List<String> parts = new ArrayList<>();
        addCount(parts, s.ok(), "ok", ShardState.OK);
        addCount(parts, s.pending(), "pending", ShardState.PENDING);
        addCount(parts, s.failed(), "failed", ShardState.FAILED);
        addCount(parts, s.invalid(), "invalid", ShardState.INVALID);
        addCount(parts, s.skipped(), "skipped", ShardState.SKIPPED);
        StringBuilder line = new StringBuilder(command.cliName()).append(": ").append(s.shards())
                .append(s.shards() == 1 ? " shard" : " shards").append(" in ").append(seconds(duration)).append(" — ")
                .append(String.join(", ", parts));
        if (command == FleetCommand.MIGRATE) {
            line.append("; ").append(s.migrationsApplied()).append(s.migrationsApplied() == 1 ? " migration" : " migrations")
                    .append(" applied");
        }
        List<VersionGroup> versions = byVersion();
        if (versions.size() == 1 && command != FleetCommand.CLEAN) {
            line.append("; fleet at ").append(versions.getFirst().label());
        } else if (versions.size() > 1) {
            line.append("; versions ").append(versions.stream().map(g -> g.label() + " ×" + g.shards().size())
                    .collect(Collectors.joining(", ")));
        }
        if (!drift.isEmpty()) {
            line.append("; drift on ").append(drift.stream().map(d -> d.shard().value()).distinct()
                    .collect(Collectors.joining(", ")));
        }
        if (interrupted) line.append("; interrupted");
        failedCanary.ifPresent(c -> line.append("; canary ").append(c).append(" failed"));
        return line.toString();
    }

    /**
     * This report when the command succeeded on every shard; otherwise a {@link FleetMigrationException} (code
     * {@code MIGRATION}) naming the shards and saying what to do, with the first failure as its cause.
     */
    public FleetReport orThrow() {
        if (succeeded()) return this;
        List<MigrationOutcome> bad = shards.stream()
                .filter(s -> s.state() == ShardState.FAILED || s.state() == ShardState.INVALID).toList();
        int skipped = count(ShardState.SKIPPED);
        String verb = command.cliName();
        String message = switch (status()) {
            case INTERRUPTED -> "[fleet] " + verb + " interrupted: " + (shards.size() - skipped) + " of " + shards.size()
                    + " shards ran" + failures(bad) + " — run " + verb + " again to continue; shards already done do nothing";
            case CANARY_FAILED -> "[shard " + failedCanary.get() + "] canary failed: " + firstError(bad)
                    + " — no other shard was touched; fix it and run " + verb + " again";
            case FAILED -> prefix(bad) + verb + " failed on " + bad.size() + " of " + shards.size() + " shards"
                    + failures(bad) + (skipped > 0 ? "; " + skipped + " not started" : "") + " — fix the cause and run "
                    + verb + " again: shards already done do nothing, failed ones are retried";
            case INVALID -> drift.isEmpty() || !bad.isEmpty()
                    ? prefix(bad) + "invalid schema history on " + bad.size() + " of " + shards.size() + " shards"
                            + failures(bad) + driftText() + " — restore the changed migrations, or run repair to accept them"
                    : "[shards " + drift.stream().map(d -> d.shard().value()).distinct().collect(Collectors.joining(", "))
                            + "] schema histories drift from the fleet" + driftText()
                            + " — restore the changed migrations, or run repair to accept them";
            case OK -> throw new AssertionError("unreachable");
        };
        Throwable cause = bad.stream().flatMap(s -> s.error().flatMap(ShardError::cause).stream()).findFirst().orElse(null);
        throw new FleetMigrationException(this, message, cause);
    }

    private static String prefix(List<MigrationOutcome> bad) {
        if (bad.isEmpty()) return "[fleet] ";
        return (bad.size() == 1 ? "[shard " : "[shards ")
                + bad.stream().limit(5).map(s -> s.shard().value()).collect(Collectors.joining(", "))
                + (bad.size() > 5 ? ", …" : "") + "] ";
    }

    private static String failures(List<MigrationOutcome> bad) {
        if (bad.isEmpty()) return "";
        return " (" + bad.stream().limit(5).map(s -> s.shard() + ": " + s.error().map(ShardError::summary).orElse("?"))
                .collect(Collectors.joining("; ")) + (bad.size() > 5 ? "; …" : "") + ")";
    }

    private static String firstError(List<MigrationOutcome> bad) {
        return bad.stream().flatMap(s -> s.error().stream()).map(ShardError::summary).findFirst().orElse("?");
    }

    private String driftText() {
        return drift.isEmpty() ? "" : "; drift: " + drift.stream().limit(5).map(HistoryDrift::toString)
                .collect(Collectors.joining("; "));
    }

    private void addCount(List<String> parts, int n, String word, ShardState state) {
        if (n == 0) return;
        String text = n + " " + word;
        if ((state == ShardState.FAILED || state == ShardState.INVALID) && n > 0) {
            text += " (" + inState(state).stream().limit(5).map(o -> o.shard().value()).collect(Collectors.joining(", "))
                    + (n > 5 ? ", …" : "") + ")";
        }
        parts.add(text);
    }

    private int count(ShardState state) {
        return (int) shards.stream().filter(s -> s.state() == state).count();
    }

    static String seconds(Duration d) {
        long ms = d.toMillis();
        return ms < 1000 ? ms + " ms" : String.format(Locale.ROOT, "%.2f s", ms / 1000.0);
    }
}
