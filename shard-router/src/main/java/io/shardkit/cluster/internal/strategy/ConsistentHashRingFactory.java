package io.shardkit.cluster.internal.strategy;

import io.shardkit.cluster.config.ClusterConfig.ShardConfig;
import io.shardkit.router.ConsistentHashRing;
import io.shardkit.router.KeyHash;
import io.shardkit.router.ShardId;
import io.shardkit.router.ShardStrategy;
import java.util.HashMap;
import java.util.Map;

/** {@code type: consistent-hash}: a {@link ConsistentHashRing}, the one type that reads virtual nodes and weights. */
final class ConsistentHashRingFactory extends HashingStrategyFactory {

    @Override
    public String type() {
        return "consistent-hash";
    }

    @Override
    public boolean readsVirtualNodes() {
        return true;
    }

    @Override
    public boolean readsWeights() {
        return true;
    }

    @Override
    ShardStrategy build(KeyHash hash, StrategyInput in) {
        Map<ShardId, Integer> weights = new HashMap<>();
        for (ShardConfig sc : in.config().shards()) {
            if (sc.weight() != null) weights.put(ShardId.of(sc.id()), sc.weight());
        }
        Integer virtualNodes = in.section().virtualNodes();
        return new ConsistentHashRing(hash, in.shards(), weights,
                virtualNodes == null ? ConsistentHashRing.DEFAULT_VIRTUAL_NODES : virtualNodes);
    }
}
