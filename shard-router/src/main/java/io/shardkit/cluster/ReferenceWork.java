package io.shardkit.cluster;

import org.jooq.DSLContext;

/** Work on the reference tables of one shard; {@link ReferenceData#write} runs it once on every shard. */
@FunctionalInterface
public interface ReferenceWork<T> {
    T run(DSLContext dsl) throws Exception;
}
