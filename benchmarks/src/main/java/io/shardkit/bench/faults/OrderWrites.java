package io.shardkit.bench.faults;

import static io.shardkit.bench.faults.FaultCluster.AMOUNT;
import static io.shardkit.bench.faults.FaultCluster.CUSTOMER;
import static io.shardkit.bench.faults.FaultCluster.ID;
import static io.shardkit.bench.faults.FaultCluster.ORDERS;
import static io.shardkit.bench.faults.FaultCluster.VERSION;

import io.shardkit.cluster.ShardKey;
import org.jooq.DSLContext;

/** The suite's repository: the writes it acknowledges, each on the customer's shard. */
public interface OrderWrites {
    void insert(@ShardKey long customer, long id, long amount);

    /** Adds {@code delta} and one to the version; the rows changed (1, or 0 when the row is not there). */
    int bump(@ShardKey long customer, long id, long delta);

    /** The jOOQ implementation, one per shard. */
    record Jooq(DSLContext dsl) implements OrderWrites {
        @Override
        public void insert(long customer, long id, long amount) {
            dsl.insertInto(ORDERS, ID, CUSTOMER, AMOUNT, VERSION).values(id, customer, amount, 1).execute();
        }

        @Override
        public int bump(long customer, long id, long delta) {
            return dsl.update(ORDERS).set(AMOUNT, AMOUNT.plus(delta)).set(VERSION, VERSION.plus(1)).where(ID.eq(id)).execute();
        }
    }
}
