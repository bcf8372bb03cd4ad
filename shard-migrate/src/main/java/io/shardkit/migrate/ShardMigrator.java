package io.shardkit.migrate;

import io.shardkit.cluster.Shard;
import io.shardkit.cluster.ShardCluster;
import io.shardkit.cluster.config.ShardConfigException;
import io.shardkit.router.ShardException;
import io.shardkit.router.ShardId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.configuration.FluentConfiguration;

/**
 * Flyway on every logical shard of a cluster: the migrations are scanned once, when the migrator is loaded, and
 * every shard's Flyway reads them from memory; canary shards run first, alone; then the rest with bounded
 * concurrency. Each command returns a {@link FleetReport} with one outcome per shard.
 *
 * <pre>{@code
 * FleetReport report = ShardMigrator.configure()
 *     .cluster(cluster)
 *     .locations("classpath:db/migration")
 *     .canary(1)                  // first shard alone; stop if it fails
 *     .concurrency(4)             // then at most 4 shards at a time
 *     .onError(OnError.FAIL)      // start no new shard after a failure
 *     .load()
 *     .migrate();
 * }</pre>
 *
 * <p>Each shard gets a Flyway of its own, configured afresh from this migrator's immutable settings, with the
 * shard's pool as its DataSource, the shard's schema when the shard map gives one, and the placeholders
 * {@code ${shard_id}} and {@code ${shard_index}} (the shard's position in the cluster, from 0). At most one shard
 * per physical database runs at a time: logical shards sharing a database share its pool, and each Flyway holds two
 * of its connections. A migrator is immutable and thread-safe; commands may run again and resume where a failed run
 * stopped.
 */
public final class ShardMigrator {
    /** Where Flyway looks by default. */
    public static final String DEFAULT_LOCATION = "classpath:db/migration";
    /** The placeholder holding the shard's id, e.g. {@code s3}. */
    public static final String SHARD_ID = "shard_id";
    /** The placeholder holding the shard's position in the cluster's shard list, from 0. */
    public static final String SHARD_INDEX = "shard_index";

    private final Settings settings;
    private final List<Target> targets;
    private final ScannedMigrations migrations;
    private final MigrationMeters meters;

    /** A shard to run on and its index in the whole cluster (so filtering shards never renumbers them). */
    record Target(Shard shard, int index) {
        ShardId id() {
            return shard.id();
        }
    }

    /** The builder's values, frozen; every shard's Flyway configuration is built from these alone. */
    record Settings(List<String> locations, int canary, int concurrency, OnError onError, Optional<String> target,
                    Map<String, String> placeholders, String table, String baselineVersion, boolean allowClean,
                    Optional<Executor> executor, FleetListener listener, BooleanSupplier stopRequested,
                    ClassLoader classLoader, Consumer<FluentConfiguration> customizer) {
    }

    private ShardMigrator(Settings settings, List<Target> targets, ScannedMigrations migrations, MigrationMeters meters) {
        this.settings = settings;
        this.meters = meters;
        this.targets = List.copyOf(targets);
        this.migrations = migrations;
    }

    /** Starts a migrator's settings: the cluster, locations, canaries, concurrency; {@code load()} scans once. */
    public static Builder configure() {
        return new Builder();
    }

    /** Applies pending migrations to every shard. */
    public FleetReport migrate() {
        return run(FleetCommand.MIGRATE);
    }

    /**
     * Each shard's version and pending migrations; {@link FleetReport#byVersion()} shows the fleet's spread and
     * {@link FleetReport#drift()} the histories that disagree.
     */
    public FleetReport info() {
        return run(FleetCommand.INFO);
    }

    /** Checks every shard's history against the migrations and against the other shards' histories. */
    public FleetReport validate() {
        return run(FleetCommand.VALIDATE);
    }

    /** Removes failed history rows and realigns checksums on every shard. */
    public FleetReport repair() {
        return run(FleetCommand.REPAIR);
    }

    /** Baselines every shard at the baseline version. */
    public FleetReport baseline() {
        return run(FleetCommand.BASELINE);
    }

    /** What {@link #migrate()} would apply to each shard, and whether it would refuse one; changes nothing. */
    public FleetReport plan() {
        return run(FleetCommand.PLAN);
    }

    /**
     * Drops every object in every shard's schema.
     *
     * @throws ShardException (code {@code CONFIG}) unless the builder was given {@code allowClean(true)}
     */
    public FleetReport clean() {
        return run(FleetCommand.CLEAN);
    }

    /** Runs {@code command} on every targeted shard. */
    public FleetReport run(FleetCommand command) {
        Objects.requireNonNull(command, "command");
        if (command == FleetCommand.CLEAN && !settings.allowClean()) {
            throw new ShardException(ShardException.Code.CONFIG, "clean refused: it drops every object in the schema of "
                    + targets.size() + " shards, and it is not allowed — call allowClean(true) on the ShardMigrator "
                    + "builder (shard-migrate: set migrations.allowClean in shards.yml and pass --allow-clean)");
        }
        FleetReport report = new FleetRun(command, settings, targets, new ShardCommands(settings, migrations)).run();
        meters.ended(report); // the cluster's meter registry, if it has one
        return report;
    }

    /** The shards this migrator runs on, in order. */
    public List<ShardId> shards() {
        return targets.stream().map(Target::id).toList();
    }

    /** The scripts found when the migrator was loaded (SQL migrations and callbacks), by relative path. */
    public List<String> scripts() {
        return migrations.resources().stream().map(r -> r.getRelativePath()).toList();
    }

    @Override
    public String toString() {
        return "ShardMigrator[" + targets.size() + " shards, locations " + settings.locations() + ", "
                + scripts().size() + " scripts, canary " + settings.canary() + ", concurrency " + settings.concurrency()
                + ", onError " + settings.onError() + settings.target().map(t -> ", target " + t).orElse("") + "]";
    }

    /**
     * Settings for a {@link ShardMigrator}. {@link #load()} checks them all, reporting every problem at once, then
     * scans the migrations.
     */
    public static final class Builder {
        private ShardCluster cluster;
        private List<Shard> shards;
        private final Set<ShardId> only = new LinkedHashSet<>();
        private final Set<ShardId> exclude = new LinkedHashSet<>();
        private List<String> locations = List.of(DEFAULT_LOCATION);
        private int canary = 0;
        private int concurrency = 1;
        private OnError onError = OnError.FAIL;
        private String target;
        private final Map<String, String> placeholders = new LinkedHashMap<>();
        private String table = "flyway_schema_history";
        private String baselineVersion = "1";
        private boolean allowClean;
        private Executor executor;
        private FleetListener listener = FleetListener.NONE;
        private BooleanSupplier stopRequested = () -> false;
        private ClassLoader classLoader;
        private Consumer<FluentConfiguration> customizer = c -> { };

        private Builder() {
        }

        /** Every logical shard of {@code cluster}, in its order. */
        public Builder cluster(ShardCluster cluster) {
            this.cluster = Objects.requireNonNull(cluster, "cluster");
            return this;
        }

        /** These shards instead of a cluster's; {@code ${shard_index}} is the position in this list. */
        public Builder shards(List<Shard> shards) {
            this.shards = List.copyOf(shards);
            return this;
        }

        /** Only these shards (the {@code ${shard_index}} of each stays its position in the cluster); empty: all. */
        public Builder only(Collection<ShardId> shards) {
            only.clear();
            only.addAll(shards);
            return this;
        }

        /** All shards but these. */
        public Builder exclude(Collection<ShardId> shards) {
            exclude.clear();
            exclude.addAll(shards);
            return this;
        }

        /** Flyway locations, e.g. {@code classpath:db/migration} (the default) or {@code filesystem:sql}. */
        public Builder locations(String... locations) {
            this.locations = List.of(locations);
            return this;
        }

        /** Changing commands run on the first {@code shards} shards alone, one at a time, before any other. Default 0. */
        public Builder canary(int shards) {
            this.canary = shards;
            return this;
        }

        /** At most this many shards at a time after the canaries. Default 1. */
        public Builder concurrency(int shards) {
            this.concurrency = shards;
            return this;
        }

        /** What happens after a shard fails. Default {@link OnError#FAIL}. */
        public Builder onError(OnError onError) {
            this.onError = Objects.requireNonNull(onError, "onError");
            return this;
        }

        /** Migrate up to this version ({@code 7}, {@code 1.2}, {@code latest}, {@code current}) instead of the latest. */
        public Builder target(String version) {
            this.target = Objects.requireNonNull(version, "version");
            return this;
        }

        /** A placeholder for every shard's scripts; {@code shard_id} and {@code shard_index} are set per shard. */
        public Builder placeholder(String name, String value) {
            placeholders.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** The schema history table. Default {@code flyway_schema_history}. */
        public Builder table(String table) {
            this.table = Objects.requireNonNull(table, "table");
            return this;
        }

        /** The version {@link ShardMigrator#baseline()} records. Default {@code 1}. */
        public Builder baselineVersion(String version) {
            this.baselineVersion = Objects.requireNonNull(version, "version");
            return this;
        }

        /** Whether {@link ShardMigrator#clean()} may run at all. Default false. */
        public Builder allowClean(boolean allow) {
            this.allowClean = allow;
            return this;
        }

        /**
         * Runs each shard's command as a task on {@code executor}. By default each gets a platform thread of its own:
         * Flyway and JDBC drivers block in {@code synchronized} code, which pins a virtual thread to its carrier on
         * JDK 21, and a run has at most {@code concurrency} of them at once.
         */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        public Builder listener(FleetListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Asked before each shard starts: once it returns true, no new shard starts, the running ones finish, and
         * the report is marked interrupted (e.g. on Ctrl-C). Interrupting the calling thread does the same.
         */
        public Builder stopWhen(BooleanSupplier stopRequested) {
            this.stopRequested = Objects.requireNonNull(stopRequested, "stopRequested");
            return this;
        }

        /** The class loader for {@code classpath:} locations and Java migrations. Default: this class's. */
        public Builder classLoader(ClassLoader classLoader) {
            this.classLoader = Objects.requireNonNull(classLoader, "classLoader");
            return this;
        }

        /**
         * Any other Flyway setting ({@code outOfOrder}, {@code mixed}, …): called once per shard and command on that
         * shard's fresh configuration, after ShardMigrator's own settings. It must not hand the same mutable object
         * (a callback with state, say) to every shard: the shards run at once.
         */
        public Builder flyway(Consumer<FluentConfiguration> customizer) {
            this.customizer = Objects.requireNonNull(customizer, "customizer");
            return this;
        }

        /**
         * Checks every setting, then scans the locations once.
         *
         * @throws ShardConfigException listing every invalid setting, each with its value and what is allowed
         * @throws ShardException       (code {@code CONFIG}) when a location does not exist
         */
        public ShardMigrator load() {
            List<String> problems = new ArrayList<>();
            List<Target> all = allTargets(problems);
            List<Target> chosen = filter(all, problems);
            if (canary < 0) problems.add("canary: must be 0 or more, was " + canary + " — 0 runs no canary");
            if (concurrency < 1) {
                problems.add("concurrency: must be at least 1, was " + concurrency + " — 1 runs the shards one at a time");
            }
            if (locations.isEmpty()) problems.add("locations: none — give at least one, e.g. " + DEFAULT_LOCATION);
            for (String l : locations) {
                if (l == null || l.isBlank()) problems.add("locations: an empty location — write e.g. filesystem:db/migration");
            }
            if (target != null) checkVersion("target", target, true, problems);
            checkVersion("baselineVersion", baselineVersion, false, problems);
            for (String reserved : List.of(SHARD_ID, SHARD_INDEX)) {
                if (placeholders.keySet().stream().anyMatch(k -> k.equalsIgnoreCase(reserved))) {
                    problems.add("placeholders: '" + reserved + "' is set per shard by ShardMigrator — use another name");
                }
            }
            if (table.isBlank()) problems.add("table: empty — name the schema history table, e.g. flyway_schema_history");
            if (!problems.isEmpty()) throw new ShardConfigException(problems, List.of());

            ClassLoader loader = classLoader != null ? classLoader : ShardMigrator.class.getClassLoader();
            Settings settings = new Settings(List.copyOf(locations), canary, concurrency, onError, Optional.ofNullable(target),
                    Collections.unmodifiableMap(new LinkedHashMap<>(placeholders)), table, baselineVersion, allowClean,
                    Optional.ofNullable(executor), listener, stopRequested, loader, customizer);
            return new ShardMigrator(settings, chosen, ScannedMigrations.scan(loader, settings.locations()),
                    MigrationMeters.of(cluster));
        }

        private List<Target> allTargets(List<String> problems) {
            if (cluster != null && shards != null) {
                problems.add("cluster, shards: both set — give the cluster or a list of its shards, not both");
                return List.of();
            }
            if (cluster == null && shards == null) {
                problems.add("cluster: not set — call cluster(cluster) or shards(list)");
                return List.of();
            }
            List<Shard> list = cluster != null ? cluster.shards() : shards;
            if (list.isEmpty()) problems.add("shards: empty — there is nothing to migrate");
            List<Target> out = new ArrayList<>();
            Set<ShardId> seen = new LinkedHashSet<>();
            for (int i = 0; i < list.size(); i++) {
                if (!seen.add(list.get(i).id())) problems.add("shards: '" + list.get(i).id() + "' appears twice — list each shard once");
                out.add(new Target(list.get(i), i));
            }
            return out;
        }

        private List<Target> filter(List<Target> all, List<String> problems) {
            List<ShardId> known = all.stream().map(Target::id).toList();
            int before = problems.size();
            unknown("only", only, known, problems);
            unknown("exclude", exclude, known, problems);
            boolean allKnown = problems.size() == before;  // else "no shard left" would only repeat the same mistake
            List<Target> chosen = all.stream()
                    .filter(t -> only.isEmpty() || only.contains(t.id()))
                    .filter(t -> !exclude.contains(t.id())).toList();
            if (allKnown && !all.isEmpty() && chosen.isEmpty()) {
                problems.add("only, exclude: no shard left of " + known + " — name at least one shard that is not excluded");
            }
            return chosen;
        }

        private static void unknown(String property, Set<ShardId> ids, List<ShardId> known, List<String> problems) {
            for (ShardId id : ids) {
                if (!known.contains(id)) problems.add(property + ": unknown shard '" + id + "' — shards: " + known);
            }
        }

        private static void checkVersion(String property, String version, boolean symbolic, List<String> problems) {
            if (symbolic && (version.equalsIgnoreCase("latest") || version.equalsIgnoreCase("current"))) return;
            try {
                MigrationVersion v = MigrationVersion.fromVersion(version);
                if (v.getVersion() == null) throw new FlywayException("no version");
            } catch (RuntimeException e) {
                problems.add(property + ": '" + version + "' is not a version — write digits separated by dots or "
                        + "underscores, e.g. 7 or 1.2" + (symbolic ? ", or latest or current" : ""));
            }
        }
    }

    /** The default executor: one named platform thread per shard task (see {@link Builder#executor}). */
    static Executor threadPerShard() {
        ThreadFactory threads = Thread.ofPlatform().name("shard-migrate-", 0).daemon(true).factory();
        return task -> threads.newThread(task).start();
    }
}
