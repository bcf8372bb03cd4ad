package io.shardkit.cluster;

import io.shardkit.router.ShardId;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jooq.DSLContext;
import org.jooq.ExecuteContext;
import org.jooq.ExecuteListener;
import org.jooq.ExecuteType;
import org.jooq.SQLDialect;
import org.jooq.impl.DefaultExecuteListenerProvider;

/**
 * One caller's view of the cluster with read-your-writes: writes made through the session are remembered per
 * shard, and the session's reads of a written shard use a replica only when it is safe —
 * <ol>
 *   <li>never within {@link ReadPolicy#stickyAfterWrite()} of the session's last write to the shard (the sticky
 *       window), and</li>
 *   <li>on PostgreSQL, only once the replica has replayed past the primary's WAL position taken after the write
 *       (the {@link ConsistencyToken}); a token from an earlier request can seed a new session.</li>
 * </ol>
 * On databases whose position cannot be read (MySQL, MariaDB, H2), a shard written in the session is read from its
 * primary for the rest of the session. Use one session per request or unit of work; it is thread-safe, but its
 * guarantees are about its own writes.
 */
public final class ShardSession {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ShardSession.class);
    private final ShardCluster cluster;
    private final Map<ShardId, Long> lastWriteNanos = new ConcurrentHashMap<>();
    private final Map<ShardId, Long> positions = new ConcurrentHashMap<>();
    private final Map<ShardId, Boolean> positionPending = new ConcurrentHashMap<>();
    private final Map<Class<?>, Object> repositories = new ConcurrentHashMap<>();

    ShardSession(ShardCluster cluster, ConsistencyToken seed) {
        this.cluster = cluster;
        seed.positions().forEach((shard, position) -> {
            if (position == ConsistencyToken.PENDING) positionPending.put(shard, Boolean.TRUE); // read it first
            else positions.put(shard, position);
        });
    }

    /** The primary context of the key's shard; writes through it are remembered by this session. */
    public DSLContext dsl(Object key) {
        return recording(cluster.node(key).shard);
    }

    /** A context for reading the key's shard that sees this session's writes (and its seed token's). */
    public DSLContext readDsl(Object key) {
        return readDsl(key, Duration.ZERO);
    }

    /**
     * As {@link #readDsl(Object)}, but waits up to {@code waitForReplica} for a replica to catch up before falling
     * back to the primary.
     */
    public DSLContext readDsl(Object key, Duration waitForReplica) {
        ShardNode node = cluster.node(key);
        return node.dsl(chooseForRead(node, waitForReplica));
    }

    /** Runs {@code work} in one transaction on the key's shard and remembers it as a write of this session. */
    public <T> T inTransaction(Object key, ShardWork<T> work) {
        ShardNode node = cluster.node(key);
        T result = cluster.inTransactionOn(node, work);
        recordWrite(node.shard);
        return result;
    }

    /**
     * The repository {@code type} (registered with {@link ShardCluster#repository}) seen through this session:
     * its writes are remembered, and its {@link ReadOnly} methods read what the session wrote.
     */
    public <R> R repository(Class<R> type) {
        return type.cast(repositories.computeIfAbsent(type, t -> cluster.sessionRepository(type, this)));
    }

    /**
     * Where this session's written shards stood after its writes, to hand to a later request. A shard whose primary
     * does not answer now is {@link ConsistencyToken#PENDING} in it: the write is not forgotten, its position is read
     * by the session that continues from the token.
     */
    public ConsistencyToken token() {
        Map<ShardId, Long> all = new java.util.TreeMap<>();
        for (ShardId shard : positionPending.keySet()) {
            capturePosition(cluster.shard(shard));
        }
        all.putAll(positions);
        positionPending.keySet().forEach(shard -> all.put(shard, ConsistencyToken.PENDING));
        return new ConsistencyToken(all);
    }

    // ---- used by the cluster's repositories -------------------------------------------------------------------

    DSLContext recording(Shard shard) {
        ExecuteListener listener = new ExecuteListener() {
            @Override
            public void executeEnd(ExecuteContext ctx) {
                if (ctx.type() != ExecuteType.READ) recordWrite(shard);
            }
        };
        return shard.dsl().configuration().derive(
                append(shard.dsl().configuration().executeListenerProviders(), listener)).dsl();
    }

    int chooseForRead(ShardNode node, Duration wait) {
        ShardId id = node.shard.id();
        Long written = lastWriteNanos.get(id);
        Duration sticky = cluster.readPolicy().stickyAfterWrite();
        if (written != null && System.nanoTime() - written < sticky.toNanos()) {
            return node.primaryFor(PrimaryFallback.STICKY_AFTER_WRITE);
        }
        if (positionPending.containsKey(id) && !capturePosition(node.shard)) {
            return node.primaryFor(PrimaryFallback.NO_POSITION); // no position to compare a replica with (not PostgreSQL, or it did not answer)
        }
        return node.chooseReplica(positions.getOrDefault(id, -1L), wait);
    }

    private void recordWrite(Shard shard) {
        lastWriteNanos.put(shard.id(), System.nanoTime());
        positionPending.put(shard.id(), Boolean.TRUE);
    }

    /**
     * Reads the primary's WAL insert position: at or after the record of every commit this session made on it.
     * Not {@code pg_current_wal_lsn()}, the write position: a COMMIT under {@code synchronous_commit = off} (often
     * set per transaction) returns before its record is written, so a replica could reach that position without
     * the commit. A replica reaches the insert position only once the WAL writer has written and sent the commit.
     */
    private boolean capturePosition(Shard shard) {
        if (shard.dialect() != SQLDialect.POSTGRES) return false; // stays pending: reads of it go to the primary
        try (var c = shard.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select pg_current_wal_insert_lsn()::text")) {
            rs.next();
            positions.merge(shard.id(), Lsn.parse(rs.getString(1)), Math::max);
            positionPending.remove(shard.id());
            return true;
        } catch (java.sql.SQLException e) {
            if (shard.dataSource() instanceof com.zaxxer.hikari.HikariDataSource h && h.isClosed()) {
                throw Topology.closed(shard.id(), e);
            }
            // Stays pending: this session reads the shard on its primary, and its token says so.
            LOG.warn("[shard {}] cannot read the primary's WAL position after a write; its reads stay on the primary: {}",
                    shard.id(), e.getMessage());
            return false;
        }
    }

    private static org.jooq.ExecuteListenerProvider[] append(org.jooq.ExecuteListenerProvider[] existing,
                                                          ExecuteListener listener) {
        org.jooq.ExecuteListenerProvider[] all = java.util.Arrays.copyOf(existing, existing.length + 1);
        all[existing.length] = new DefaultExecuteListenerProvider(listener);
        return all;
    }

    @Override
    public String toString() {
        return "ShardSession[written " + lastWriteNanos.keySet() + ", token " + new ConsistencyToken(positions) + "]";
    }

}
