package io.shardkit.migrate;

import java.util.Optional;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.configuration.Configuration;
import org.flywaydb.core.api.migration.JavaMigration;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.core.internal.exception.FlywayMigrateException;
import org.flywaydb.core.internal.scanner.Scanner;

/**
 * Every use of Flyway's {@code internal} packages, in one place: its public API has no way to scan locations
 * without a database, nor to read how far a failed migrate got. When Flyway changes these, only this class changes.
 */
final class FlywayInternals {
    private FlywayInternals() {
    }

    /** Scans {@code configuration}'s locations for SQL resources and Java migrations, as Flyway itself would. */
    static Scanner<JavaMigration> scan(Configuration configuration) {
        return new Scanner<>(JavaMigration.class, configuration, configuration.getLocations());
    }

    /** What a failed migrate had done before it failed (its starting version, the migrations that succeeded). */
    static Optional<MigrateResult> partialResult(FlywayException e) {
        return e instanceof FlywayMigrateException m ? Optional.ofNullable(m.getErrorResult()) : Optional.empty();
    }

    /** The script whose migration failed, when the failure was in one. */
    static Optional<String> failedScript(FlywayException e) {
        return e instanceof FlywayMigrateException m && m.getMigration() != null
                ? Optional.ofNullable(m.getMigration().getScript()) : Optional.empty();
    }
}
