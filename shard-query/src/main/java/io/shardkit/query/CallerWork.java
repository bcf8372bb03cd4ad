package io.shardkit.query;

import io.shardkit.cluster.Shard;
import java.sql.Connection;
import java.util.function.Function;
import org.jooq.DSLContext;
import org.jooq.conf.Settings;

/**
 * The caller's work of {@link FanOut#forEachShard} on one shard: it runs with a context bound to the task's one
 * connection (the shard's schema mapping kept), and the value it returns is kept. Stopped like a streamed query: its
 * running statement is cancelled on the server, and a statement it starts after the stop fails before it reaches the
 * database.
 */
final class CallerWork implements ShardJob {
    private final Shard shard;
    private final Function<? super DSLContext, ?> work;
    private final StopControl control;
    private volatile long rowsRead;
    /** What the work returned; set by the producer before the task ends. */
    private volatile Object value;

    CallerWork(Shard shard, Function<? super DSLContext, ?> work, StopControl control) {
        this.shard = shard;
        this.work = work;
        this.control = control;
    }

    @Override
    public boolean run(Connection conn) {
        // the shard's own settings (render mapping of its schema), unchanged: its records may be stored while it runs
        Settings settings = (Settings) shard.dsl().configuration().settings().clone();
        value = work.apply(control.context(shard, conn, settings, true));
        rowsRead = 1; // one value
        return !control.stopRequested(); // a work that swallowed its cancelled statement did not answer
    }

    @Override
    public void finish(boolean complete, boolean failed) {
        // the work closes what it opens
    }

    @Override
    public long rowsRead() {
        return rowsRead;
    }

    @Override
    public Object value() {
        return value;
    }
}
