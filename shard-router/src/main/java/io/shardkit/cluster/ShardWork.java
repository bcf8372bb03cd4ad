package io.shardkit.cluster;

/**
 * Work in one local transaction on one shard. The {@link ShardTransaction} is a jOOQ {@code DSLContext} bound to
 * the transaction, so {@code tx -> tx.insertInto(...)} reads as with plain jOOQ.
 */
@FunctionalInterface
public interface ShardWork<T> {
    T run(ShardTransaction tx) throws Exception;
}
