package io.shardkit.bench.faults;

import static io.shardkit.bench.faults.FaultCluster.AMOUNT;
import static io.shardkit.bench.faults.FaultCluster.ORDERS;
import static org.jooq.impl.DSL.count;
import static org.jooq.impl.DSL.select;
import static org.jooq.impl.DSL.sum;

import io.shardkit.query.FailurePolicy;
import io.shardkit.query.FanOut;
import io.shardkit.query.FanOutResult;
import io.shardkit.query.QueryOutcome;
import java.util.function.BooleanSupplier;

/**
 * A caller that runs a fan-out report (count and sum over every shard) in a loop with a deadline and
 * {@link FailurePolicy#PARTIAL}. Each report is one sample (shard -1); each shard's outcome that is not OK is counted
 * per shard and window by {@link #shardFailures}.
 */
final class Reporter implements Runnable {
    final Samples samples = new Samples();
    /** Per report: the start (ns from the run's start) and a bit per shard that did not answer OK. */
    final java.util.List<long[]> shardFailures = new java.util.ArrayList<>();

    private final FaultCluster c;
    private final FaultSettings s;
    private final long t0;
    private final BooleanSupplier running;

    Reporter(FaultCluster c, FaultSettings s, long t0, BooleanSupplier running) {
        this.c = c;
        this.s = s;
        this.t0 = t0;
        this.running = running;
    }

    @Override
    public void run() {
        while (running.getAsBoolean()) {
            long start = System.nanoTime();
            try {
                FanOutResult<?> r = FanOut.on(c.cluster).select(select(count(), sum(AMOUNT)).from(ORDERS)).onAllShards()
                        .timeout(s.reportTimeout()).onFailure(FailurePolicy.PARTIAL).fetch();
                long failedShards = 0;
                for (QueryOutcome o : r.outcomes()) {
                    if (o.status() != QueryOutcome.Status.OK) failedShards |= 1L << c.shards.indexOf(o.shard());
                }
                samples.add(start - t0, System.nanoTime() - start, OpKind.REPORT, -1, Outcome.OK, false);
                shardFailures.add(new long[] {start - t0, failedShards});
            } catch (RuntimeException e) {
                samples.add(start - t0, System.nanoTime() - start, OpKind.REPORT, -1, Outcome.FOREIGN_ERROR, false);
                samples.error(e);
            }
            Fault.sleep(100);
        }
    }
}
