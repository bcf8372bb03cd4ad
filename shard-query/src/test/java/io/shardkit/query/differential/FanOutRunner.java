package io.shardkit.query.differential;

import io.shardkit.cluster.Shard;
import io.shardkit.cluster.ShardCluster;
import java.util.ArrayList;
import java.util.List;
import org.jooq.Record;
import org.jooq.Select;

/**
 * The seam between the differential harness and the fan-out it checks: run one query over all shards of a cluster
 * and return the merged rows, or throw {@link io.shardkit.query.UnsupportedFanOutException} to refuse it. Which
 * implementation the test uses is decided in one place, {@link FanOutUnderTest#RUNNER}.
 */
@FunctionalInterface
interface FanOutRunner {

    /**
     * @param colocated the query's joins, derived tables and subqueries only relate rows of one shard key, so the
     *                  runner declares it ({@code assumeColocated()}); false: it declares nothing
     */
    List<? extends Record> run(ShardCluster cluster, Select<? extends Record> query, boolean colocated);

    /**
     * NOT a fan-out merge: runs the query unchanged on each shard in turn and concatenates the answers. Right only for
     * queries that filter and project; any ORDER BY, LIMIT, aggregate or DISTINCT across shards comes out wrong. It
     * exists so the harness's own tests can prove the comparison catches a bad merge.
     */
    FanOutRunner CONCATENATING_STAND_IN = (cluster, query, colocated) -> {
        List<Record> rows = new ArrayList<>();
        for (Shard shard : cluster.shards()) {
            rows.addAll(shard.dsl().fetch(query));
        }
        return rows;
    };
}
