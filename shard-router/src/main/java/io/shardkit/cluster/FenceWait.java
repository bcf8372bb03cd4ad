package io.shardkit.cluster;

import java.sql.SQLException;
import io.shardkit.router.ShardId;
import org.jooq.ExecuteContext;
import org.jooq.ExecuteListener;

/**
 * When a moving shard's fence refuses a statement, holds the caller until this instance runs a topology version that
 * puts the shard elsewhere (up to the pause budget), so that the exception it then gets is one a retry resolves. It runs before {@link ShardFailures}, which says in the exception whether the version came.
 */
final class FenceWait implements ExecuteListener {
    /** From this listener to {@link ShardFailures} on the same thread: whether the new version came. */
    static final ThreadLocal<Boolean> NEW_VERSION = new ThreadLocal<>();
    private static final String PLACE = "shardkit.place";
    /** How every fence trigger's error begins (shard-move's FenceDialect). */
    static final String FENCE_MESSAGE = "shardkit fence closed";

    /** Where a context's statements go: a shard on a database (and schema). */
    private record Place(ShardId shard, String database, String schema) {
    }

    /** A listener that marks each execution of a context with the place the context writes to. */
    static ExecuteListener marking(ShardId shard, String database, String schema) {
        Place place = new Place(shard, database, schema);
        return new ExecuteListener() {
            @Override
            public void start(ExecuteContext ctx) {
                ctx.data(PLACE, place);
            }
        };
    }

    private final SharedTopology shared;

    FenceWait(SharedTopology shared) {
        this.shared = shared;
    }

    /**
     * Waits until the running topology puts the refused statement's shard elsewhere. Not "a version newer than the one
     * the statement started under": a statement routed under the old version can start after the new one arrived
     * (it waited for a connection meanwhile), and would then wait for a version that never comes, holding its
     * connection (a cutover benchmark saw writes held 3 s, and the pool emptied behind them).
     */
    @Override
    public void exception(ExecuteContext ctx) {
        if (!refusedByFence(ctx.exception())) return;
        if (!(ctx.data(PLACE) instanceof Place p)) return;
        String tenant = fencedTenant(ctx.exception());
        NEW_VERSION.set(tenant != null ? shared.awaitPinnedElsewhere(p.shard(), tenant)
                : shared.awaitElsewhere(p.shard(), p.database(), p.schema()));
    }

    /**
     * The tenant whose fence refused the statement (its message names the fence: "… tenant:42 is moving"), or null
     * for a whole shard's fence.
     */
    static String fencedTenant(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            int at = m == null ? -1 : m.indexOf(FENCE_MESSAGE + ": tenant:");
            if (at < 0) continue;
            int from = at + FENCE_MESSAGE.length() + ": tenant:".length();
            int end = m.indexOf(" is moving", from);
            if (end > from) return m.substring(from, end);
        }
        return null;
    }

    static boolean refusedByFence(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ShardMovedException) return true;
            if (t instanceof SQLException s && (ShardMovedException.SQLSTATE.equals(s.getSQLState())
                    || (s.getMessage() != null && s.getMessage().contains(FENCE_MESSAGE)))) {
                return true;
            }
        }
        return false;
    }
}
