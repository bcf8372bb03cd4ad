package io.shardkit.router;

import org.jooq.DSLContext;

/** Work on one shard, given the shard's {@link DSLContext} (inside a transaction when run by {@code inTransaction}). */
@FunctionalInterface
public interface ShardWork<T> {
    T run(DSLContext dsl) throws Exception;
}
