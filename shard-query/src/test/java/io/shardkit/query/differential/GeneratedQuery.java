package io.shardkit.query.differential;

import java.util.Objects;
import java.util.Set;
import org.jooq.Record;
import org.jooq.Select;

/**
 * One query of a differential run: how to build it, what its answer pins down, which constructs it uses, and the
 * constructs a fan-out may refuse it for ({@link Refusable}; empty when the generator meant it to be answerable).
 *
 * <p>The query is built afresh for every execution, so nothing one runner does to a {@link Select} can leak into the
 * next; {@link #withoutLimit()} is the same query without LIMIT/OFFSET, whose answer shows which rows a LIMIT that cuts
 * inside ties could have chosen.
 *
 * @param colocated  its joins, derived tables and subqueries only relate rows of one customer, which live on one
 *                   shard, so the runner declares {@code assumeColocated()} and a fan-out may answer it
 * @param mustRefuse it relates rows across customers (a join, derived table or subquery not by the shard key) and is
 *                   run without {@code assumeColocated()}: a fan-out must refuse it, answering is wrong
 */
record GeneratedQuery(int number, SelectBuilder builder, ResultShape shape, Set<Refusable> refusable,
                      Set<Construct> constructs, boolean colocated, boolean mustRefuse) {

    /** Builds the query, with or without its LIMIT/OFFSET. */
    @FunctionalInterface
    interface SelectBuilder {
        Select<? extends Record> build(boolean withLimit);
    }

    GeneratedQuery {
        Objects.requireNonNull(builder, "builder");
        Objects.requireNonNull(shape, "shape");
        refusable = Set.copyOf(refusable);
        constructs = Set.copyOf(constructs);
        if (mustRefuse && refusable.isEmpty()) throw new IllegalArgumentException("a query that must be refused is refusable");
        if (mustRefuse && colocated) throw new IllegalArgumentException("a colocated query need not be refused");
    }

    /** A query meant to be answerable, with no colocation. */
    GeneratedQuery(int number, SelectBuilder builder, ResultShape shape, Set<Refusable> refusable, Set<Construct> constructs) {
        this(number, builder, shape, refusable, constructs, false, false);
    }

    boolean isRefusable() {
        return !refusable.isEmpty();
    }

    /** The refusable constructs, e.g. {@code [join, string order]}. */
    String refusableNames() {
        return refusable.stream().map(Refusable::displayName).sorted().toList().toString();
    }

    /** Whether a refusal naming {@code construct} names one of this query's refusable constructs. */
    boolean accepts(String construct) {
        return refusable.stream().anyMatch(r -> r.accepts(construct));
    }

    Select<? extends Record> select() {
        return builder.build(true);
    }

    Select<? extends Record> withoutLimit() {
        return builder.build(false);
    }
}
