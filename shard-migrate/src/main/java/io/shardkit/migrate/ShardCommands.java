package io.shardkit.migrate;

import com.zaxxer.hikari.HikariDataSource;
import io.shardkit.migrate.ShardMigrator.Settings;
import io.shardkit.migrate.ShardMigrator.Target;
import io.shardkit.router.ShardException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.BaselineResult;
import org.flywaydb.core.api.output.CleanResult;
import org.flywaydb.core.api.output.MigrateOutput;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.core.api.output.RepairOutput;
import org.flywaydb.core.api.output.RepairResult;
import org.flywaydb.core.api.output.ValidateResult;
import org.jooq.SQLDialect;

/**
 * One command on one shard, through a Flyway configured for that shard alone. Never throws: whatever goes wrong
 * becomes the shard's outcome.
 */
final class ShardCommands {
    /** Validation as {@code migrate} does it: pending migrations are what migrate is for, not a problem. */
    private static final String[] AS_MIGRATE_VALIDATES = {"*:future", "*:pending"};

    /** A shard's outcome, and for info and validate its applied history, for the drift check across shards. */
    record Result(MigrationOutcome outcome, Optional<List<DriftDetector.Applied>> history) {
    }

    private final Settings settings;
    private final ScannedMigrations migrations;

    ShardCommands(Settings settings, ScannedMigrations migrations) {
        this.settings = settings;
        this.migrations = migrations;
    }

    Result run(FleetCommand command, Target target) {
        long started = System.nanoTime();
        Run run = new Run(target, started);
        Optional<String> poolProblem = poolTooSmall(target);
        if (poolProblem.isPresent()) {
            return new Result(run.failed(new ShardException(ShardException.Code.CONFIG, poolProblem.get()), Optional.empty(),
                    Optional.empty(), List.of(), List.of()), Optional.empty());
        }
        Optional<String> moving = command == FleetCommand.INFO || command == FleetCommand.VALIDATE
                || command == FleetCommand.PLAN ? Optional.empty() : moving(target);
        if (moving.isPresent()) {
            return new Result(run.failed(new ShardException(ShardException.Code.CONFIG, moving.get()), Optional.empty(),
                    Optional.empty(), List.of(), List.of()), Optional.empty());
        }
        try {
            return switch (command) {
                case MIGRATE -> run.migrate();
                case INFO -> run.info(false, true);
                case VALIDATE -> run.info(true, true);
                case PLAN -> run.info(true, false);
                case REPAIR -> run.repair();
                case BASELINE -> run.baseline();
                case CLEAN -> run.clean();
            };
        } catch (RuntimeException e) {
            return new Result(run.failed(e, Optional.empty(), Optional.empty(), List.of(), List.of()), Optional.empty());
        } catch (Throwable e) {
            // An Error from a Java migration or a driver (AssertionError, StackOverflowError,
            // ExceptionInInitializerError) fails this shard like an exception would; the fleet goes on.
            return crashed(target, e);
        }
    }

    /** The outcome of a shard whose command ended with {@code e}, however that happened. */
    Result crashed(Target target, Throwable e) {
        return new Result(new Run(target, System.nanoTime()).failed(e, Optional.empty(), Optional.empty(), List.of(),
                List.of()), Optional.empty());
    }

    /**
     * On PostgreSQL, Flyway holds two connections at once (one keeps the migration lock): with a pool of one it
     * would wait for the pool's timeout and fail with a message that does not say why.
     */
    private static Optional<String> poolTooSmall(Target t) {
        if (t.shard().dialect().family() == SQLDialect.POSTGRES && t.shard().dataSource() instanceof HikariDataSource h
                && h.getMaximumPoolSize() < 2) {
            return Optional.of("[shard " + t.id() + "] the pool of database " + t.shard().database() + " allows "
                    + h.getMaximumPoolSize() + " connection, and Flyway needs 2 on PostgreSQL (one holds the migration"
                    + " lock) — set databases." + t.shard().database() + ".pool.maximumPoolSize to 2 or more");
        }
        return Optional.empty();
    }

    /**
     * A move's write fence in the shard's schema (shard-move's {@code shardkit_fence}): while the shard, or a tenant of
     * it, moves, its tables must stay as the move's target has them, so a change waits until the move is finished or
     * cancelled.
     */
    private static Optional<String> moving(Target t) {
        org.jooq.Table<?> fences = org.jooq.impl.DSL.table(t.shard().schema()
                .map(s -> org.jooq.impl.DSL.name(org.jooq.impl.DSL.unquotedName(s), org.jooq.impl.DSL.unquotedName("shardkit_fence")))
                .orElse(org.jooq.impl.DSL.unquotedName("shardkit_fence")));
        List<String> names;
        try {
            names = t.shard().dsl().select(org.jooq.impl.DSL.field(org.jooq.impl.DSL.unquotedName("name"), String.class))
                    .from(fences).fetch().getValues(0, String.class);
        } catch (RuntimeException e) {
            return Optional.empty(); // no fence table: nothing ever moved here (a database that is down fails below)
        }
        if (names.isEmpty()) return Optional.empty();
        return Optional.of("[shard " + t.id() + "] is moving (" + String.join(", ", names) + " in its schema's"
                + " shardkit_fence): its tables are not changed while a move copies them — run this once the move is"
                + " finished (shard-move finish removes the fence) or cancelled");
    }

    /** The outcome of a shard whose task the executor refused to run. */
    Result rejected(Target target, RuntimeException e) {
        return new Result(new Run(target, System.nanoTime()).failed(e, Optional.empty(), Optional.empty(), List.of(),
                List.of("the executor refused the task")), Optional.empty());
    }

    /**
     * A fresh Flyway configuration for one shard, built from the migrator's immutable settings only, so Flyway
     * instances running at once share nothing mutable (the scanned migrations are immutable).
     */
    private Flyway flyway(Target t, boolean validateAsMigrate) {
        Map<String, String> placeholders = new HashMap<>(settings.placeholders());
        placeholders.put(ShardMigrator.SHARD_ID, t.id().value());
        placeholders.put(ShardMigrator.SHARD_INDEX, Integer.toString(t.index()));
        FluentConfiguration c = Flyway.configure(settings.classLoader())
                .dataSource(t.shard().dataSource())
                .locations(settings.locations().toArray(String[]::new))
                .resourceProvider(migrations)
                .javaMigrationClassProvider(migrations)
                .placeholders(placeholders)
                .table(settings.table())
                .baselineVersion(settings.baselineVersion())
                .cleanDisabled(!settings.allowClean());
        settings.target().ifPresent(c::target);
        t.shard().schema().ifPresent(c::schemas);
        settings.customizer().accept(c);
        if (validateAsMigrate) c.ignoreMigrationPatterns(AS_MIGRATE_VALIDATES);
        return c.load();
    }

    /** One shard's run: its target and start time, and the outcome it builds. */
    private final class Run {
        private final Target t;
        private final long started;

        Run(Target t, long started) {
            this.t = t;
            this.started = started;
        }

        Result migrate() {
            try {
                MigrateResult r = flyway(t, false).migrate();
                Optional<String> before = version(r.initialSchemaVersion);
                Optional<String> after = version(r.targetSchemaVersion).or(() -> before);
                List<String> warnings = new ArrayList<>(r.warnings == null ? List.of() : r.warnings);
                decisionTable().ifPresent(warnings::add);
                return new Result(outcome(ShardState.OK, before, after, steps(r.migrations), List.of(), Optional.empty(),
                        warnings), Optional.empty());
            } catch (FlywayException e) {
                Optional<MigrateResult> partial = FlywayInternals.partialResult(e);
                List<MigrationStep> applied = partial.map(p -> steps(p.getSuccessfulMigrations())).orElse(List.of());
                Optional<String> before = partial.isPresent() ? version(partial.get().initialSchemaVersion) : currentVersion();
                Optional<String> after = applied.isEmpty() ? before : applied.getLast().version().or(() -> before);
                List<String> notes = new ArrayList<>();
                Optional<String> script = FlywayInternals.failedScript(e);
                if (script.isPresent() && recordedAsFailed(script.get())) {
                    // Flyway rolls a failed migration back where the database rolls back DDL (PostgreSQL); elsewhere
                    // it keeps a failed row, and every later migrate refuses the shard until repair removes it.
                    notes.add(t.shard().dialect().family().getName() + " cannot roll back DDL: the statements of "
                            + script.get() + " that ran before the error stay applied, and the schema history records it"
                            + " as failed, so migrate refuses this shard until then — undo those statements by hand (or"
                            + " make the script idempotent), run repair to remove the failed row, then migrate again");
                }
                return new Result(failed(e, before, after, applied, notes), Optional.empty());
            }
        }

        /**
         * PostgreSQL shards get the table of atomic transactions' decisions, which a commit across databases writes
         * in the shard it wrote first; a failure to create it is a warning, since only atomic transactions need it.
         */
        private Optional<String> decisionTable() {
            if (t.shard().dialect().family() != org.jooq.SQLDialect.POSTGRES) return Optional.empty();
            try {
                io.shardkit.cluster.atomic.DecisionTable.create(t.shard().dsl());
                return Optional.empty();
            } catch (RuntimeException e) {
                return Optional.of("could not create " + io.shardkit.cluster.atomic.DecisionTable.NAME + " (atomic"
                        + " transactions across databases need it): " + e.getMessage());
            }
        }

        /** Whether the shard's history now holds a failed row for {@code script}; best effort. */
        private boolean recordedAsFailed(String script) {
            try {
                return Arrays.stream(flyway(t, false).info().applied())
                        .anyMatch(m -> m.getState().isFailed() && script.equals(m.getScript()));
            } catch (RuntimeException e) {
                return false;
            }
        }

        /** info, plan ({@code validate}: as migrate would) and validate; {@code drift}: keep the history for the fleet check. */
        Result info(boolean validate, boolean drift) {
            MigrationInfoService info = flyway(t, false).info();
            Optional<String> current = current(info);
            List<MigrationStep> pending = Arrays.stream(info.pending()).map(ShardCommands::pendingStep).toList();
            List<DriftDetector.Applied> history = new ArrayList<>();
            List<String> failedRows = new ArrayList<>();
            for (MigrationInfo m : info.applied()) {
                if (m.getState().isFailed()) {
                    failedRows.add((m.getVersion() == null ? "R" : "V" + m.getVersion()) + " (" + m.getScript() + ")");
                } else if (m.getVersion() != null && m.getType() != null) {
                    history.add(new DriftDetector.Applied(m.getVersion().getVersion(), m.getDescription(),
                            m.getChecksum(), m.getType().name()));
                }
            }
            Optional<ShardError> problem = Optional.empty();
            if (validate) {
                ValidateResult v = flyway(t, true).validateWithResult();
                if (!v.validationSuccessful) {
                    String message = v.getAllErrorMessages();
                    problem = Optional.of(new ShardError(message == null || message.isBlank()
                            ? "validation failed" : message.strip(), Optional.empty(), Optional.empty(), Optional.empty()));
                }
            }
            if (problem.isEmpty() && !failedRows.isEmpty()) {
                problem = Optional.of(new ShardError("the schema history records " + String.join(", ", failedRows)
                        + " as failed — remove its half-completed changes, then run repair", Optional.empty(),
                        Optional.empty(), Optional.empty()));
            }
            ShardState state = problem.isPresent() ? ShardState.INVALID
                    : pending.isEmpty() ? ShardState.OK : ShardState.PENDING;
            return new Result(outcome(state, current, current, List.of(), pending, problem, List.of()),
                    drift ? Optional.of(history) : Optional.empty());
        }

        Result repair() {
            RepairResult r = flyway(t, false).repair();
            List<String> notes = new ArrayList<>();
            if (r.repairActions != null) notes.addAll(r.repairActions);
            describe(notes, "removed from the history", r.migrationsRemoved);
            describe(notes, "marked as deleted", r.migrationsDeleted);
            describe(notes, "realigned with the scripts", r.migrationsAligned);
            Optional<String> version = currentVersion();
            return new Result(outcome(ShardState.OK, version, version, List.of(), List.of(), Optional.empty(), notes),
                    Optional.empty());
        }

        Result baseline() {
            Optional<String> before = currentVersion();
            BaselineResult r = flyway(t, false).baseline();
            List<String> notes = new ArrayList<>(r.warnings == null ? List.of() : r.warnings);
            Optional<String> after = r.successfullyBaselined ? version(r.baselineVersion) : before;
            return new Result(outcome(ShardState.OK, before, after, List.of(), List.of(), Optional.empty(), notes),
                    Optional.empty());
        }

        Result clean() {
            CleanResult r = flyway(t, false).clean();
            List<String> notes = new ArrayList<>();
            if (r.schemasCleaned != null && !r.schemasCleaned.isEmpty()) notes.add("cleaned schemas " + r.schemasCleaned);
            if (r.schemasDropped != null && !r.schemasDropped.isEmpty()) notes.add("dropped schemas " + r.schemasDropped);
            return new Result(outcome(ShardState.OK, Optional.empty(), Optional.empty(), List.of(), List.of(),
                    Optional.empty(), notes), Optional.empty());
        }

        MigrationOutcome failed(Throwable e, Optional<String> before, Optional<String> after,
                            List<MigrationStep> applied, List<String> notes) {
            // An Error's class says more than its message ("java.lang.StackOverflowError", often with no message).
            String message = e instanceof Exception && e.getMessage() != null ? e.getMessage().strip()
                    : e instanceof Exception ? e.getClass().getName() : e.toString().strip();
            Optional<String> script = e instanceof FlywayException f ? FlywayInternals.failedScript(f) : Optional.empty();
            ShardError error = new ShardError(message, script, sqlState(e), Optional.of(e));
            return outcome(ShardState.FAILED, before, after, applied, List.of(), Optional.of(error), notes);
        }

        /** The shard's current version, best effort: after a failure the database may not answer at all. */
        private Optional<String> currentVersion() {
            try {
                return current(flyway(t, false).info());
            } catch (RuntimeException e) {
                return Optional.empty();
            }
        }

        private MigrationOutcome outcome(ShardState state, Optional<String> before, Optional<String> after,
                                     List<MigrationStep> applied, List<MigrationStep> pending,
                                     Optional<ShardError> error, List<String> notes) {
            return new MigrationOutcome(t.id(), t.index(), t.shard().database(), t.shard().schema(), state, before, after,
                    applied, pending, Duration.ofNanos(System.nanoTime() - started), error, notes);
        }
    }

    /**
     * The highest version applied successfully. Flyway's own {@code current()} is the latest row, which after a
     * failure on MySQL, MariaDB or H2 is the failed migration that did not complete.
     */
    private static Optional<String> current(MigrationInfoService info) {
        return Arrays.stream(info.applied())
                .filter(m -> m.getVersion() != null && !m.getState().isFailed())
                .map(MigrationInfo::getVersion)
                .max(MigrationVersion::compareTo)
                .map(MigrationVersion::getVersion);
    }

    private static void describe(List<String> notes, String what, List<RepairOutput> migrations) {
        if (migrations == null) return;
        for (RepairOutput m : migrations) {
            notes.add((m.version == null || m.version.isEmpty() ? "R" : "V" + m.version) + " " + m.description + " " + what);
        }
    }

    private static List<MigrationStep> steps(List<MigrateOutput> outputs) {
        if (outputs == null) return List.of();
        return outputs.stream().map(o -> new MigrationStep(version(o.version), o.description == null ? "" : o.description,
                script(o.filepath), Optional.of(Duration.ofMillis(o.executionTime)))).toList();
    }

    private static MigrationStep pendingStep(MigrationInfo m) {
        return new MigrationStep(Optional.ofNullable(m.getVersion()).map(MigrationVersion::getVersion),
                m.getDescription() == null ? "" : m.getDescription(), m.getScript(), Optional.empty());
    }

    /** The file name of a migration's path, or the class name of a Java migration, as Flyway's info shows scripts. */
    private static String script(String filepath) {
        if (filepath == null) return "";
        int slash = Math.max(filepath.lastIndexOf('/'), filepath.lastIndexOf('\\'));
        return filepath.substring(slash + 1);
    }

    private static Optional<String> version(String v) {
        return v == null || v.isEmpty() || v.equals("<< Empty Schema >>") ? Optional.empty() : Optional.of(v);
    }

    private static Optional<String> sqlState(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof SQLException s && s.getSQLState() != null) return Optional.of(s.getSQLState());
        }
        return Optional.empty();
    }
}
