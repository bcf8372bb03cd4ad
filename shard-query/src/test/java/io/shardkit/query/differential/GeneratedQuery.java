package io.shardkit.query.differential;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jooq.Record;
import org.jooq.Select;

/**
 * One query of a differential run: how to build it, what its answer pins down, which constructs it uses, and the
 * construct a fan-out may refuse it for when the generator put one in on purpose.
 *
 * <p>The query is built afresh for every execution, so nothing one runner does to a {@link Select} can leak into the
 * next; {@link #withoutLimit()} is the same query without LIMIT/OFFSET, whose answer shows which rows a LIMIT that cuts
 * inside ties could have chosen.
 */
record GeneratedQuery(int number, SelectBuilder builder, ResultShape shape, Optional<Refusable> refusable,
                      Set<Construct> constructs) {

    /** Builds the query, with or without its LIMIT/OFFSET. */
    @FunctionalInterface
    interface SelectBuilder {
        Select<? extends Record> build(boolean withLimit);
    }

    GeneratedQuery {
        Objects.requireNonNull(builder, "builder");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(refusable, "refusable");
        constructs = Set.copyOf(constructs);
    }

    Select<? extends Record> select() {
        return builder.build(true);
    }

    Select<? extends Record> withoutLimit() {
        return builder.build(false);
    }
}
