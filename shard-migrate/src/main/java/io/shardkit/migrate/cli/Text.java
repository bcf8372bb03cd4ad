package io.shardkit.migrate.cli;

import io.shardkit.migrate.FleetCommand;
import io.shardkit.migrate.FleetReport;
import io.shardkit.migrate.MigrationOutcome;
import io.shardkit.migrate.MigrationStep;
import io.shardkit.migrate.ShardError;
import io.shardkit.migrate.ShardState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** A report as text for a terminal: a table of shards, then the fleet by version, drift, errors and notes. */
final class Text {
    private Text() {
    }

    static String render(FleetReport report) {
        boolean changes = report.command().changesShards();
        List<String[]> rows = new ArrayList<>();
        rows.add(changes
                ? new String[] {"shard", "database", "state", "before", "after", "applied", "time", "detail"}
                : new String[] {"shard", "database", "state", "version", "pending", "time", "detail"});
        for (MigrationOutcome o : report.shards()) {
            boolean ran = o.state() != ShardState.SKIPPED;
            String where = o.database() + o.schema().map(s -> "/" + s).orElse("");
            String state = o.state() == ShardState.FAILED || o.state() == ShardState.INVALID
                    ? o.state().name() : o.state().name().toLowerCase(Locale.ROOT);
            String time = ran ? millis(o.duration()) : "";
            rows.add(changes
                    ? new String[] {o.shard().value(), where, state, ran ? o.versionBeforeLabel() : "",
                            ran ? o.versionLabel() : "", ran ? Integer.toString(o.applied().size()) : "",
                            time, detail(report.command(), o)}
                    : new String[] {o.shard().value(), where, state, ran ? o.versionLabel() : "",
                            ran ? Integer.toString(o.pending().size()) : "", time, detail(report.command(), o)});
        }
        StringBuilder out = new StringBuilder(table(rows));

        List<FleetReport.VersionGroup> versions = report.byVersion();
        if (report.command() != FleetCommand.CLEAN && !versions.isEmpty()) {
            out.append("\nversions:\n");
            int width = versions.stream().mapToInt(g -> g.label().length()).max().orElse(0);
            for (FleetReport.VersionGroup g : versions) {
                out.append("  ").append(pad(g.label(), width)).append("  ").append(g.shards().size())
                        .append(g.shards().size() == 1 ? " shard:  " : " shards: ")
                        .append(g.shards().stream().map(Object::toString).collect(Collectors.joining(" "))).append('\n');
            }
        }
        if (!report.drift().isEmpty()) {
            out.append("\ndrift:\n");
            report.drift().forEach(d -> out.append("  ").append(d).append('\n'));
        }
        List<MigrationOutcome> errors = report.shards().stream().filter(o -> o.error().isPresent()).toList();
        if (!errors.isEmpty()) {
            out.append("\nerrors:\n");
            for (MigrationOutcome o : errors) {
                out.append("  ").append(o.shard()).append(":\n");
                o.error().get().message().lines().forEach(l -> out.append("    ").append(l).append('\n'));
            }
        }
        List<String> notes = new ArrayList<>();
        for (MigrationOutcome o : report.shards()) {
            if (o.state() == ShardState.SKIPPED) continue;  // the table says why
            if (report.command() == FleetCommand.REPAIR) continue;  // repair's notes are its detail column
            o.notes().forEach(n -> notes.add(o.shard() + ": " + n));
        }
        if (!notes.isEmpty()) {
            out.append("\nnotes:\n");
            notes.forEach(n -> out.append("  ").append(n).append('\n'));
        }
        return out.toString();
    }

    private static String detail(FleetCommand command, MigrationOutcome o) {
        if (o.error().isPresent()) return o.error().map(ShardError::summary).orElse("");
        if (o.state() == ShardState.SKIPPED) return String.join("; ", o.notes());
        return switch (command) {
            case PLAN, INFO -> o.pending().stream().map(MigrationStep::label).collect(Collectors.joining(", "));
            case MIGRATE -> o.applied().stream().map(MigrationStep::label).collect(Collectors.joining(", "));
            case REPAIR -> String.join("; ", o.notes());
            default -> "";
        };
    }

    private static String table(List<String[]> rows) {
        int columns = rows.getFirst().length;
        int[] width = new int[columns];
        for (String[] row : rows) {
            for (int c = 0; c < columns; c++) width[c] = Math.max(width[c], row[c].length());
        }
        StringBuilder out = new StringBuilder();
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < columns; c++) {
                line.append(c == columns - 1 ? row[c] : pad(row[c], width[c]) + "  ");
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(width - s.length());
    }

    static String millis(Duration d) {
        return d.toMillis() + " ms";
    }
}
