package io.shardkit.migrate;

import java.util.Locale;

/** What {@link ShardMigrator} does on each shard. Only the commands that change shards use the canary and {@link OnError}. */
public enum FleetCommand {
    /** Applies pending migrations (up to the target). */
    MIGRATE(true),
    /** Reads each shard's version and pending migrations; the report groups shards by version and shows drift. */
    INFO(false),
    /** Checks applied migrations against the scanned ones (checksums, names) and histories across shards (drift). */
    VALIDATE(false),
    /** Removes failed rows from the schema history and realigns checksums with the scanned migrations. */
    REPAIR(true),
    /** Marks shards whose schema existed before Flyway as being at the baseline version. */
    BASELINE(true),
    /** What {@link #MIGRATE} would apply to each shard; changes nothing. */
    PLAN(false),
    /** Drops every object in each shard's schema. Refused unless explicitly allowed. */
    CLEAN(true);

    private final boolean changesShards;

    FleetCommand(boolean changesShards) {
        this.changesShards = changesShards;
    }

    /** Whether the command writes to shards; read-only commands visit every shard whatever the failure policy. */
    public boolean changesShards() {
        return changesShards;
    }

    /** The command's name as the CLI spells it: {@code migrate}, {@code info}, … */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
