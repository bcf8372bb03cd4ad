package io.shardkit.cluster;

import java.sql.SQLException;
import org.jooq.ExecuteContext;
import org.jooq.ExecuteListener;

/**
 * When a moving shard's fence refuses a statement, holds the caller until this instance runs a topology version
 * newer than the one the statement started under (up to the pause budget), so that the exception it then gets is
 * one a retry resolves. It runs before {@link ShardFailures}, which says in the exception whether the version came.
 */
final class FenceWait implements ExecuteListener {
    /** From this listener to {@link ShardFailures} on the same thread: whether the new version came. */
    static final ThreadLocal<Boolean> NEW_VERSION = new ThreadLocal<>();
    private static final String STARTED_UNDER = "shardkit.topology.version";

    private final SharedTopology shared;

    FenceWait(SharedTopology shared) {
        this.shared = shared;
    }

    @Override
    public void executeStart(ExecuteContext ctx) {
        ctx.data(STARTED_UNDER, shared.version());
    }

    @Override
    public void exception(ExecuteContext ctx) {
        if (!refusedByFence(ctx.exception())) return;
        Object started = ctx.data(STARTED_UNDER);
        long version = started instanceof Long v ? v : shared.version();
        NEW_VERSION.set(shared.version() > version || shared.awaitNewerThan(version));
    }

    static boolean refusedByFence(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ShardMovedException) return true;
            if (t instanceof SQLException s && (ShardMovedException.SQLSTATE.equals(s.getSQLState())
                    || (s.getMessage() != null && s.getMessage().contains("shardkit fence closed")))) {
                return true;
            }
        }
        return false;
    }
}
