package io.shardkit.cluster.atomic;

import io.shardkit.router.ShardId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Step 5, off the commit path: decision rows of transactions whose branches all committed, deleted in batches. A row
 * left behind (this instance stopped first) is recovery's to delete.
 */
final class DecisionCleanup {
    private static final Logger LOG = LoggerFactory.getLogger(DecisionCleanup.class);
    private static final int BATCH = 500;

    private record Done(ShardId shard, String transaction) {
    }

    private final AtomicTransactions owner;
    private final ConcurrentLinkedQueue<Done> queue = new ConcurrentLinkedQueue<>();

    DecisionCleanup(AtomicTransactions owner) {
        this.owner = owner;
    }

    void add(ShardId shard, String transaction) {
        queue.add(new Done(shard, transaction));
    }

    void run() {
        Map<ShardId, List<String>> byShard = new LinkedHashMap<>();
        for (Done d; byShard.values().stream().mapToInt(List::size).sum() < 10 * BATCH && (d = queue.poll()) != null; ) {
            byShard.computeIfAbsent(d.shard, s -> new ArrayList<>()).add(d.transaction);
        }
        byShard.forEach((shard, ids) -> {
            for (int from = 0; from < ids.size(); from += BATCH) {
                List<String> batch = ids.subList(from, Math.min(ids.size(), from + BATCH));
                try {
                    owner.shard(shard).dsl().deleteFrom(DecisionTable.TABLE).where(DecisionTable.TX_ID.in(batch)).execute();
                } catch (RuntimeException e) {
                    LOG.debug("deleting {} decision rows on shard {} failed, recovery will: {}", batch.size(), shard, e.toString());
                }
            }
        });
    }
}
