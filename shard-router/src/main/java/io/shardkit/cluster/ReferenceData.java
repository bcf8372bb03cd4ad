package io.shardkit.cluster;

import io.shardkit.router.ShardException;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jooq.DSLContext;

/**
 * The rows of the reference tables ({@link ShardCluster#referenceTables()}), which every shard holds whole.
 *
 * <p>{@link #write} runs the same work on every shard in one atomic transaction ({@link ShardCluster#inAtomicTransaction}):
 * every shard's copy changes, or none does. Across databases that is a two-phase commit, so the shards must be
 * PostgreSQL (an H2 or MariaDB cluster of several databases is refused with the atomic transaction's error); shards
 * that are schemas of one database share one local transaction.
 *
 * <p>{@link #dsl()} reads from one shard, always the first declared: it is the shard a write runs on first, whose
 * database decides the write's commit, so a read there sees a write as soon as it is committed — even when another
 * shard's copy is still being finished by recovery. Reference tables are small and read-mostly; a query that joins one
 * with a sharded table reads each shard's own copy (a fan-out, or {@code cluster.dsl(key)}).
 */
public final class ReferenceData {
    private final ShardCluster cluster;

    ReferenceData(ShardCluster cluster) {
        this.cluster = cluster;
    }

    /** The reference tables' names, as declared. */
    public Set<String> tables() {
        return cluster.referenceTables();
    }

    /**
     * Runs {@code work} once on every shard (in declaration order) and commits all of it, on every shard, or nothing;
     * returns the first shard's value. Each run gets that shard's context in the transaction; a statement naming a
     * table that is not a reference table is refused ({@code UNSUPPORTED}) before it runs, and everything rolls back.
     * Plain SQL strings cannot be checked. The work must write the same rows on each shard: give keys and values
     * explicitly rather than from each database's sequences or clock.
     *
     * @throws ShardException {@code CONFIG} when no reference table is declared, or when the shards are on several
     *                        databases that cannot take part in a two-phase commit (not PostgreSQL)
     */
    public <T> T write(ReferenceWork<T> work) {
        Objects.requireNonNull(work, "work");
        Set<String> tables = requireDeclared();
        List<Shard> shards = cluster.shards();
        return cluster.inAtomicTransaction(tx -> {
            T first = null;
            for (int i = 0; i < shards.size(); i++) {
                Shard s = shards.get(i);
                T value = work.run(ReferenceGuard.guard(tx.on(s.id()), tables, s.id()));
                if (i == 0) first = value;
            }
            return first;
        });
    }

    /** A context for reading the reference tables: the first declared shard's primary (see the class comment). */
    public DSLContext dsl() {
        requireDeclared();
        return cluster.shards().getFirst().dsl();
    }

    private Set<String> requireDeclared() {
        Set<String> tables = cluster.referenceTables();
        if (tables.isEmpty()) {
            throw new ShardException(ShardException.Code.CONFIG, "no reference tables are declared — declare them in"
                    + " shards.yml (tables: { currency: { reference: true } }) or with ShardClusterBuilder.referenceTable");
        }
        return tables;
    }
}
