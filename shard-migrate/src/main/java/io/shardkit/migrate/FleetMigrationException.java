package io.shardkit.migrate;

import io.shardkit.router.ShardException;
import java.util.Objects;

/** Thrown by {@link FleetReport#orThrow()}: the command did not succeed on every shard. The report says how each fared. */
public final class FleetMigrationException extends ShardException {
    private final transient FleetReport report;

    FleetMigrationException(FleetReport report, String message, Throwable cause) {
        super(Code.MIGRATION, message, cause);
        this.report = Objects.requireNonNull(report, "report");
    }

    public FleetReport report() {
        return report;
    }
}
