package io.shardkit.cluster.atomic;

/** Work on any number of shards, committed on all of them or on none; see {@link AtomicTransactions#run}. */
@FunctionalInterface
public interface AtomicWork<T> {
    T run(AtomicTransaction tx) throws Exception;
}
