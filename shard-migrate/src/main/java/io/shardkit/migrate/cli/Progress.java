package io.shardkit.migrate.cli;

import io.shardkit.migrate.FleetCommand;
import io.shardkit.migrate.FleetListener;
import io.shardkit.migrate.ShardError;
import io.shardkit.migrate.ShardOutcome;
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
    public void shardFinished(ShardOutcome o, int done, int total) {
        err.println("[" + done + "/" + total + "] " + o.shard() + " " + line(command, o) + " in " + Text.millis(o.duration()));
        err.flush();
    }

    @Override
    public void stopping(String reason) {
        err.println("shard-migrate: no new shard will start: " + reason);
        err.flush();
    }

    static String line(FleetCommand command, ShardOutcome o) {
        String at = o.versionLabel();
        return switch (o.state()) {
            case FAILED -> "FAILED at " + at + ": " + o.error().map(ShardError::summary).orElse("");
            case INVALID -> "INVALID at " + at + ": " + o.error().map(ShardError::summary).orElse("");
            case SKIPPED -> "skipped";
            case OK, PENDING -> switch (command) {
                case MIGRATE -> o.applied().isEmpty() ? "up to date at " + at : "migrated " + o.applied().size() + " → " + at;
                case REPAIR -> "repaired at " + at + (o.notes().isEmpty() ? "" : ": " + String.join("; ", o.notes()));
                case BASELINE -> "baselined at " + at;
                case CLEAN -> "cleaned";
                case INFO, VALIDATE, PLAN -> "at " + at + (o.pending().isEmpty() ? "" : ", " + o.pending().size() + " pending");
            };
        };
    }
}
