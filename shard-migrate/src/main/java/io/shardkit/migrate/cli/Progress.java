package io.shardkit.migrate.cli;

import io.shardkit.migrate.FleetCommand;
import io.shardkit.migrate.FleetListener;
import io.shardkit.migrate.MigrationOutcome;
import io.shardkit.router.ShardId;
import java.io.PrintWriter;
import java.util.List;

/** One line on stderr per finished shard, e.g. {@code [12/64] s11 migrated 3 → V7 in 140 ms}. */
final class Progress implements FleetListener {
    private final PrintWriter err;
    private FleetCommand command;

    Progress(PrintWriter err) {
        this.err = err;
    }

    @Override
    public void started(FleetCommand command, List<ShardId> shards) {
        this.command = command;
    }

    @Override
    public void shardFinished(MigrationOutcome o, int done, int total) {
        err.println("[" + done + "/" + total + "] " + o.shard() + " " + line(command, o));
        err.flush();
    }

    @Override
    public void stopping(String reason) {
        err.println("shard-migrate: no new shard will start: " + reason);
        err.flush();
    }

    /** {@code migrated 3 → V7 in 140 ms}; a failure's one-line reason comes last. */
    static String line(FleetCommand command, MigrationOutcome o) {
        String at = o.versionLabel();
        String in = " in " + Text.millis(o.duration());
        String error = o.error().map(e -> ": " + e.summary()).orElse("");
        return switch (o.state()) {
            case FAILED -> "FAILED at " + at + in + error;
            case INVALID -> "INVALID at " + at + in + error;
            case SKIPPED -> "skipped";
            case OK, PENDING -> switch (command) {
                case MIGRATE -> (o.applied().isEmpty() ? "up to date at " + at : "migrated " + o.applied().size() + " → " + at) + in;
                case REPAIR -> "repaired at " + at + in + (o.notes().isEmpty() ? "" : ": " + String.join("; ", o.notes()));
                case BASELINE -> "baselined at " + at + in;
                case CLEAN -> "cleaned" + in;
                case INFO, VALIDATE, PLAN -> "at " + at + (o.pending().isEmpty() ? "" : ", " + o.pending().size() + " pending") + in;
            };
        };
    }
}
