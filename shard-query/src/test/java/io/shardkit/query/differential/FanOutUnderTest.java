package io.shardkit.query.differential;

/** The one place that says which fan-out {@link DifferentialFanOutTest} checks. */
final class FanOutUnderTest {

    // ==== THE SWITCH ================================================================================================
    // Until FanOut is merged into this branch the test runs the concatenating stand-in, prints its report and is
    // skipped (a stand-in cannot pass). After the merge, replace the line below with this one:
    //
    //     static final FanOutRunner RUNNER = (cluster, query) -> io.shardkit.query.FanOut.on(cluster).select(query).onAllShards().fetch().rows();
    //
    static final FanOutRunner RUNNER = (cluster, query) -> io.shardkit.query.FanOut.on(cluster).select(query).onAllShards().fetch().rows();
    // ================================================================================================================

    private FanOutUnderTest() {
    }

    /** True while {@link #RUNNER} is still the stand-in, which no assertion about a real merge can be made of. */
    static boolean isStandIn() {
        return RUNNER == FanOutRunner.CONCATENATING_STAND_IN;
    }
}
