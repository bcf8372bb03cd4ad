package io.shardkit.cluster;

import org.jooq.ExecuteContext;
import org.jooq.ExecuteListener;

/**
 * Times each statement of one shard's context into {@code shardkit.query}; added to the context only when the
 * cluster has a meter registry. A failed statement is tagged with the class of what its caller gets (after
 * {@link ShardFailures} has turned a database's failure into a {@code ShardException}).
 */
final class StatementTimer implements ExecuteListener {
    private static final String STARTED = "io.shardkit.query.started";
    private final OutcomeTimers timers;

    StatementTimer(OutcomeTimers timers) {
        this.timers = timers;
    }

    @Override
    public void start(ExecuteContext ctx) {
        ctx.data(STARTED, System.nanoTime());
    }

    @Override
    public void end(ExecuteContext ctx) {
        if (!(ctx.data(STARTED) instanceof Long started)) return;
        timers.record(System.nanoTime() - started, ctx.exception());
    }
}
