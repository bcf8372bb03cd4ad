package io.shardkit.migrate;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One migration as a fleet command saw it: applied by this run (with its time) or pending.
 *
 * @param version       the version, {@code "4"} or {@code "1.2"}; empty for a repeatable migration
 * @param description   as in the file name, {@code "add ledger"}
 * @param script        the script or class, {@code "V4__add_ledger.sql"}
 * @param executionTime how long it took; empty for a pending migration
 */
public record MigrationStep(Optional<String> version, String description, String script, Optional<Duration> executionTime) {
    public MigrationStep {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(script, "script");
        Objects.requireNonNull(executionTime, "executionTime");
    }

    /** {@code V4 add ledger} or {@code R add views}. */
    public String label() {
        return version.map(v -> "V" + v).orElse("R") + " " + description;
    }
}
