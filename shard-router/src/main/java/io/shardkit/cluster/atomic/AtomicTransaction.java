package io.shardkit.cluster.atomic;

import io.shardkit.cluster.Shard;
import io.shardkit.cluster.ShardCluster;
import io.shardkit.router.ShardException;
import io.shardkit.router.ShardId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;

/**
 * An atomic transaction under way: jOOQ contexts on any shards, each bound to its database's branch of this
 * transaction. The first database written to is the one whose commit decides; see {@link AtomicTransactions}.
 */
public final class AtomicTransaction {
    private final String id;
    private final ShardCluster cluster;
    private final java.time.Duration lockTimeout;
    private final Map<String, Branch> branches = new LinkedHashMap<>(); // by database, first written first

    AtomicTransaction(String id, ShardCluster cluster, java.time.Duration lockTimeout) {
        this.id = id;
        this.cluster = cluster;
        this.lockTimeout = lockTimeout;
    }

    /** This transaction's id: in its prepared branches' names, its decision row and an {@link InDoubtException}. */
    public String id() {
        return id;
    }

    /** The context of the key's shard, in this transaction; a bad key fails here ({@code KEY}), before any SQL. */
    public DSLContext on(Object key) {
        return on(cluster.shardFor(key));
    }

    /** The context of a shard by id, in this transaction. */
    public DSLContext on(ShardId shard) {
        Shard s = cluster.shard(Objects.requireNonNull(shard, "shard"));
        Branch b = branches.get(s.database());
        if (b == null) {
            boolean spans = !branches.isEmpty();
            if (spans) requirePreparable(s);
            b = Branch.open(s, id);
            if (branches.size() == 1) boundLockWaits(branches.values().iterator().next()); // it spans databases now
            if (spans) boundLockWaits(b);
            branches.put(s.database(), b);
        }
        return b.dsl(s);
    }

    /** A deadlock across databases is no database's to find: a lock wait that long ends the transaction instead. */
    private void boundLockWaits(Branch b) {
        if (lockTimeout.isZero()) return;
        b.dsl().execute("set local lock_timeout = " + Branch.literal(lockTimeout.toMillis() + "ms"));
    }

    /** Every database this transaction wrote to, the deciding one first. */
    List<Branch> branches() {
        return new ArrayList<>(branches.values());
    }

    /**
     * A second database makes this a transaction across databases: every participant, the first one too, must be
     * PostgreSQL (H2 cannot prepare; MariaDB's XA recovery is not supported).
     */
    private void requirePreparable(Shard next) {
        List<Shard> all = new ArrayList<>(branches.values().stream().map(b -> b.firstShard).toList());
        all.add(next);
        for (Shard s : all) {
            if (s.dialect().family() != SQLDialect.POSTGRES) {
                throw new ShardException(ShardException.Code.CONFIG, "[shard " + s.id() + "] atomic transaction " + id
                        + " spans databases " + all.stream().map(Shard::database).distinct().toList() + ", but "
                        + s.database() + " is " + s.dialect().family() + ": a transaction across databases needs"
                        + " PostgreSQL participants (two-phase commit); keep the work on one database, or use"
                        + " PostgreSQL shards");
            }
        }
    }
}
