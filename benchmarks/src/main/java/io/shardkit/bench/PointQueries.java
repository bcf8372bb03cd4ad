package io.shardkit.bench;

/**
 * One system under test in {@link PointQueryBenchmark}: it places rows of {@code orders} with its own routing and
 * reads them back the same way. Adding a system is a class implementing this and one line in
 * {@link PointQueryBenchmark#open}.
 *
 * <p>Only {@link #find} and {@link #insert} are measured; the others set up and clean up around them.
 */
interface PointQueries extends AutoCloseable {

    /** Creates {@code orders} (and its {@code customer_id} index) wherever this system keeps it. */
    void createTable();

    /** The order of {@code customerId}, or null when there is none (the benchmark loads one per customer). */
    Order find(long customerId);

    /** Inserts one row in autocommit mode, routed by {@code customerId}. */
    void insert(long id, long customerId);

    /** Deletes every row with {@code id >= firstId} on every shard; returns how many were deleted. */
    int deleteFrom(long firstId);

    /** Closes the system's pools. */
    @Override
    void close();
}
