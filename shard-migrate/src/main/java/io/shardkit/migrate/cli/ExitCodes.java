package io.shardkit.migrate.cli;

import io.shardkit.migrate.FleetReport;

/** What {@code shard-migrate} exits with. Listed in {@code --help} and the README. */
public final class ExitCodes {
    /** Every shard succeeded. */
    public static final int OK = 0;
    /** Anything not covered below: an unexpected error, a database that cannot be reached at start-up. */
    public static final int ERROR = 1;
    /** The command line or the configuration is wrong; nothing was touched. */
    public static final int USAGE = 2;
    /** Some shards failed, or were not started because one failed. */
    public static final int SHARDS_FAILED = 3;
    /** A schema history does not match the migrations (checksums, names, failed rows), or drifts from the fleet. */
    public static final int INVALID = 4;
    /** A canary shard failed; no other shard was touched. */
    public static final int CANARY_FAILED = 5;
    /** Interrupted (Ctrl-C): no new shard started, the running ones finished, the report was printed. */
    public static final int INTERRUPTED = 130;

    /** The lines of {@code --help}'s exit code list, as picocli's {@code key:description}. */
    static final String[] HELP = {
            OK + ":every shard succeeded",
            ERROR + ":anything else, e.g. a database that cannot be reached at start-up",
            USAGE + ":usage or configuration error; nothing was touched",
            SHARDS_FAILED + ":some shards failed, or were not started after a failure",
            INVALID + ":a history does not match the migrations or drifts from the fleet",
            CANARY_FAILED + ":a canary shard failed; nothing else was touched",
            INTERRUPTED + ":interrupted (Ctrl-C): running shards finished, the rest skipped",
    };

    private ExitCodes() {
    }

    /** The exit code for a report. */
    public static int of(FleetReport report) {
        return switch (report.status()) {
            case INTERRUPTED -> INTERRUPTED;
            case CANARY_FAILED -> CANARY_FAILED;
            case FAILED -> SHARDS_FAILED;
            case INVALID -> INVALID;
            case OK -> OK;
        };
    }
}
