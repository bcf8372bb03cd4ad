package io.shardkit.query.differential;

import io.shardkit.query.FanOut;
import io.shardkit.query.FanOutQuery;
import org.jooq.Record;

/** The one place that says which fan-out {@link DifferentialFanOutTest} checks. */
final class FanOutUnderTest {

    /** FanOut on every shard; {@code assumeColocated()} for the queries generated colocated, and only for them. */
    static final FanOutRunner RUNNER = (cluster, query, colocated) -> run(FanOut.on(cluster).select(query), colocated);

    private FanOutUnderTest() {
    }

    private static <R extends Record> java.util.List<R> run(FanOutQuery<R> q, boolean colocated) {
        q.onAllShards();
        if (colocated) q.assumeColocated();
        return q.fetch().rows();
    }

    /** True while {@link #RUNNER} is the stand-in, which no assertion about a real merge can be made of. */
    static boolean isStandIn() {
        return RUNNER == FanOutRunner.CONCATENATING_STAND_IN;
    }

}
