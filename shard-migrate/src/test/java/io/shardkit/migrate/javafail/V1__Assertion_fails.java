package io.shardkit.migrate.javafail;

import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * A Java migration that fails with an {@link Error}, not an exception, on shard s1 alone: what a failed
 * {@code assert}, a StackOverflowError or a driver's ExceptionInInitializerError looks like to the fleet.
 */
public class V1__Assertion_fails extends BaseJavaMigration {
    @Override
    public void migrate(Context context) throws Exception {
        String shard = context.getConfiguration().getPlaceholders().get("shard_id");
        if ("s1".equals(shard)) throw new AssertionError("backfill invariant broken on " + shard);
        try (var s = context.getConnection().createStatement()) {
            s.execute("CREATE TABLE java_migrated (id INT PRIMARY KEY)");
        }
    }
}
