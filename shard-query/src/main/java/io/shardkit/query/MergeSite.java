package io.shardkit.query;

import io.shardkit.cluster.Shard;
import io.shardkit.query.planner.QueryShape;
import io.shardkit.query.planner.ShardQueries;
import io.shardkit.router.ShardException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which database finishes a {@link DatabaseMerge}: the first shard that answered, and the next one that answered when
 * that one's database gives no connection, loses it or does not answer. Under {@link FailurePolicy#PARTIAL} the first
 * shard's database may be the one that is down, hung or out of connections — also one that answered a moment before —
 * and the rows of the shards that answered must not be lost to it. All shards share one dialect, and the partial
 * rows' column types come from the per-shard query, the same on each, so any of them gives the same answer.
 */
final class MergeSite {
    private static final Logger LOG = LoggerFactory.getLogger(MergeSite.class);

    private MergeSite() {
    }

    /** @param outcomes one per shard, in the order of {@code shards} */
    static List<Object[]> run(List<Shard> shards, List<QueryOutcome> outcomes, QueryShape shape, List<Object[]> partials,
                              Duration timeout) {
        List<Shard> candidates = answered(shards, outcomes);
        for (int i = 0; ; i++) {
            Shard on = candidates.get(i);
            try {
                return DatabaseMerge.run(on, shape, ShardQueries.perShard(shape), partials, timeout);
            } catch (UnsupportedFanOutException e) {
                throw e;
            } catch (RuntimeException e) {
                if (i + 1 < candidates.size() && databaseAway(e)) {
                    LOG.warn("[shard {}] could not merge the shards' rows, merging on shard {} instead: {}", on.id(),
                            candidates.get(i + 1).id(), e.getMessage());
                    continue;
                }
                throw new FanOutException("[shard " + on.id() + "] merging the shards' " + partials.size()
                        + " partial rows failed: " + e.getMessage(), outcomes, e);
            }
        }
    }

    private static List<Shard> answered(List<Shard> shards, List<QueryOutcome> outcomes) {
        List<Shard> answered = new ArrayList<>();
        for (int i = 0; i < shards.size(); i++) {
            if (outcomes.get(i).ok()) answered.add(shards.get(i));
        }
        return answered.isEmpty() ? List.of(shards.getFirst()) : answered; // none: the merge's own failure says so
    }

    /** The merge's database gave no connection, lost it, or did not answer: another shard's database may. */
    private static boolean databaseAway(RuntimeException e) {
        return e instanceof ShardException se
                && (se.code() == ShardException.Code.DATABASE || se.code() == ShardException.Code.TIMEOUT);
    }
}
