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
    private final boolean mariaDbXa;
    private final Map<String, Branch> branches = new LinkedHashMap<>(); // by database, first written first

    /**
     * @param lockTimeout how long a statement waits for a row lock once the transaction spans databases (PostgreSQL)
     * @param mariaDbXa   MariaDB databases may take part across databases, as XA branches (experimental)
     */
    AtomicTransaction(String id, ShardCluster cluster, java.time.Duration lockTimeout, boolean mariaDbXa) {
        this.id = id;
        this.cluster = cluster;
        this.lockTimeout = lockTimeout;
        this.mariaDbXa = mariaDbXa;
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
            Gid gid = null; // the first database decides, in a local transaction; the others prepare
            boolean spans = !branches.isEmpty();
            if (spans) {
                requirePreparable(s);
                gid = new Gid(cluster.name(), id, branches.values().iterator().next().firstShard.id(), s.database());
            }
            b = Branch.open(s, id, gid);
            Branch first = branches.isEmpty() ? null : branches.values().iterator().next();
            branches.put(s.database(), b); // closed with the others from now on, whatever happens next
            if (branches.size() == 2) boundLockWaits(first); // it spans databases now
            if (spans) boundLockWaits(b);
        }
        return b.dsl(s);
    }

    /** A deadlock across databases is no database's to find: a lock wait that long ends the transaction instead. */
    private void boundLockWaits(Branch b) {
        // PostgreSQL only: InnoDB's own innodb_lock_wait_timeout (50 s by default) already ends a MariaDB wait
        if (lockTimeout.isZero() || b.firstShard.dialect().family() != SQLDialect.POSTGRES) return;
        b.dsl().execute("set local lock_timeout = " + PreparedBranches.literal(lockTimeout.toMillis() + "ms"));
    }

    /** Every database this transaction wrote to, the deciding one first. */
    List<Branch> branches() {
        return new ArrayList<>(branches.values());
    }

    /**
     * A second database makes this a transaction across databases: every participant, the first one too, must be
     * PostgreSQL, or — with {@link AtomicTransactions#experimentalMariaDbXa(boolean)} — every one MariaDB. H2 cannot
     * prepare; the two kinds never mix (one decision row cannot stand for both kinds of branch).
     */
    private void requirePreparable(Shard next) {
        List<Shard> all = new ArrayList<>(branches.values().stream().map(b -> b.firstShard).toList());
        all.add(next);
        String spans = "atomic transaction " + id + " spans databases " + all.stream().map(Shard::database).distinct().toList();
        for (Shard s : all) {
            SQLDialect family = s.dialect().family();
            if (family != SQLDialect.POSTGRES && family != SQLDialect.MARIADB) {
                throw new ShardException(ShardException.Code.CONFIG, "[shard " + s.id() + "] " + spans + ", but "
                        + s.database() + " is " + family + ": a transaction across databases needs"
                        + " PostgreSQL participants (two-phase commit); keep the work on one database, or use"
                        + " PostgreSQL shards");
            }
        }
        SQLDialect kind = all.getFirst().dialect().family();
        for (Shard s : all) {
            if (s.dialect().family() != kind) {
                throw new ShardException(ShardException.Code.CONFIG, "[shard " + s.id() + "] " + spans + ", but "
                        + s.database() + " is " + s.dialect().family() + " and " + all.getFirst().database() + " is "
                        + kind + ": the participants of one atomic transaction must be all PostgreSQL or all MariaDB");
            }
        }
        if (kind == SQLDialect.MARIADB && !mariaDbXa) {
            throw new ShardException(ShardException.Code.CONFIG, "[shard " + next.id() + "] " + spans + ", but they are"
                    + " MARIADB: MariaDB participants (XA) are experimental and off; turn them on with"
                    + " AtomicTransactions.experimentalMariaDbXa(true) (MariaDB 10.5.2 or later, whose prepared XA"
                    + " branches survive disconnects and crashes), or keep the work on one database");
        }
    }
}
