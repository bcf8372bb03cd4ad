package io.shardkit.cluster;

import io.shardkit.router.ShardId;
import java.util.HashMap;
import java.util.Map;
import org.jooq.Configuration;
import org.jooq.impl.DefaultDSLContext;

/**
 * A local transaction on one shard: a {@link org.jooq.DSLContext} bound to the transaction, which also hands out
 * repositories bound to it. A repository call inside it for a key on another shard fails before any SQL, and the
 * exception rolls the whole transaction back, so nothing is half-written.
 */
public final class ShardTransaction extends DefaultDSLContext {
    private final ShardId shard;
    private final ShardCluster cluster;
    private final Map<Class<?>, Object> repositories = new HashMap<>();

    ShardTransaction(Configuration configuration, ShardId shard, ShardCluster cluster) {
        super(configuration);
        this.shard = shard;
        this.cluster = cluster;
    }

    /** The shard this transaction runs on. */
    public ShardId shard() {
        return shard;
    }

    /**
     * The repository {@code type}, as registered with {@link ShardCluster#repository}, bound to this transaction:
     * every call runs in it, and a call whose key belongs to another shard is refused.
     */
    public <R> R repository(Class<R> type) {
        return type.cast(repositories.computeIfAbsent(type, t -> cluster.transactionRepository(type, this)));
    }
}
