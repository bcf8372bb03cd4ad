package io.shardkit.samples.orders;

import io.shardkit.cluster.Shard;
import io.shardkit.cluster.ShardCluster;
import io.shardkit.router.RowIdGenerator;
import io.shardkit.router.ShardId;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * New order ids: time-ordered, unique without a database round trip, and carrying the number of the customer's
 * shard ({@link io.shardkit.router.RowIds#shardOf}), as the samples module makes them. The shard number is the shard's position in the
 * cluster's declaration order.
 */
@Component
public class OrderIds {
    private final ShardCluster cluster;
    private final RowIdGenerator generator = RowIdGenerator.builder().build();

    public OrderIds(ShardCluster cluster) {
        this.cluster = cluster;
    }

    /** An id for a new order of {@code customerId}. */
    public long next(long customerId) {
        return generator.next(shardNumber(cluster.shardFor(customerId)));
    }

    private int shardNumber(ShardId shard) {
        List<Shard> shards = cluster.shards();
        for (int i = 0; i < shards.size(); i++) {
            if (shards.get(i).id().equals(shard)) return i;
        }
        throw new IllegalStateException("shard " + shard + " is not in the cluster's shards");
    }
}
