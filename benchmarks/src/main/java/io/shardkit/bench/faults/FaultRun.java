package io.shardkit.bench.faults;

import io.shardkit.router.RowIdGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One fault under load: the callers run through warm-up and a baseline window, the fault is injected on one shard and
 * held for {@link FaultSettings#faultLength()}, ended, and the callers go on for {@link FaultSettings#after()}. Then
 * they are stopped, the data is checked against their ledgers, the cluster is closed and what it left is looked for.
 */
final class FaultRun {
    private static final long NANOS_PER_SECOND = TimeUnit.SECONDS.toNanos(1);

    private FaultRun() {
    }

    static FaultResult run(FaultCluster c, Fault fault, int affected, FaultSettings s) throws Exception {
        c.ensureOpen();
        c.truncate();
        long[][] customers = customersByShard(c, s.customers());
        RowIdGenerator ids = RowIdGenerator.builder().build();
        AtomicBoolean running = new AtomicBoolean(true);
        long t0 = System.nanoTime();
        List<Caller> callers = new ArrayList<>();
        List<Reporter> reporters = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < s.callers(); i++) {
            Caller caller = new Caller(c, customers, i % customers.length, ids, t0, running::get, 1_000L * i + fault.ordinal());
            callers.add(caller);
            threads.add(Thread.ofVirtual().name("fault-caller-" + i).start(caller));
        }
        for (int i = 0; i < s.reporters(); i++) {
            Reporter reporter = new Reporter(c, s, t0, running::get);
            reporters.add(reporter);
            threads.add(Thread.ofVirtual().name("fault-reporter-" + i).start(reporter));
        }
        sleepUntil(t0, s.warmup().plus(s.baseline()));
        long faultStart = System.nanoTime() - t0;
        Fault.Held held = fault.inject(c, affected, s);
        sleepUntil(t0, Duration.ofNanos(faultStart).plus(s.faultLength()));
        held.restore();
        long restoredAt = System.nanoTime() - t0;
        sleepUntil(t0, Duration.ofNanos(restoredAt).plus(s.after()));
        running.set(false);
        int stuck = 0;
        for (Thread t : threads) {
            if (!t.join(Duration.ofSeconds(30))) stuck++;
        }
        int checkedOut = Leaks.checkedOut(c);
        c.awaitReplicas();
        List<Ledger> ledgers = new ArrayList<>();
        callers.forEach(caller -> ledgers.addAll(caller.rows));
        Verification data = Verification.check(c, ledgers);
        c.closeCluster();
        Leaks leaks = new Leaks(checkedOut, Leaks.serverSessions(c), Leaks.shardkitThreads());
        return analyse(fault, c.shards.get(affected).toString(), affected, s, callers, reporters, faultStart, restoredAt,
                stuck, data, leaks);
    }

    private static FaultResult analyse(Fault fault, String shard, int affected, FaultSettings s, List<Caller> callers,
                                       List<Reporter> reporters, long faultStart, long restoredAt, int stuck,
                                       Verification data, Leaks leaks) {
        long baselineStart = s.warmup().toNanos();
        long errorBound = s.errorBound().toNanos();
        long lagUsableUntil = faultStart + s.maxReplicaLag().plus(s.lagCheckInterval().multipliedBy(2)).toNanos()
                + NANOS_PER_SECOND / 2;
        List<Long> baseline = new ArrayList<>();
        List<Long> during = new ArrayList<>();
        Map<String, Integer> errors = new HashMap<>();
        Map<String, String> messages = new HashMap<>();
        long calls = 0, slowest = 0, recoveredAt = Long.MAX_VALUE;
        int foreign = 0, unnamed = 0, slow = 0, unaffectedErrors = 0, stale = 0, laggingReplicaReads = 0;
        String firstStale = null;
        String slowestErrorDetail = "";
        long slowestErrorSeen = -1;
        for (Caller caller : callers) {
            if (caller.samples.slowestErrorNanos() > slowestErrorSeen) {
                slowestErrorSeen = caller.samples.slowestErrorNanos();
                slowestErrorDetail = caller.samples.slowestError;
            }
            Samples x = caller.samples;
            caller.samples.errors.forEach((k, v) -> errors.merge(k, v, Integer::sum));
            caller.samples.firstMessages.forEach(messages::putIfAbsent);
            stale += caller.staleReads;
            if (firstStale == null) firstStale = caller.firstStaleRead;
            for (int i = 0; i < x.size(); i++) {
                calls++;
                long start = x.start(i), took = x.duration(i);
                Outcome outcome = x.outcome(i);
                boolean onAffected = x.shard(i) == affected;
                if (outcome == Outcome.FOREIGN_ERROR) foreign++;
                if (outcome == Outcome.UNNAMED_SHARD) unnamed++;
                if (outcome != Outcome.OK) {
                    slowest = Math.max(slowest, took);
                    if (took > errorBound) slow++;
                }
                if (!onAffected) {
                    if (start >= baselineStart && start < faultStart) baseline.add(took);
                    if (start >= faultStart && start < restoredAt) {
                        during.add(took);
                        if (outcome != Outcome.OK) unaffectedErrors++;
                    }
                } else {
                    if (fault == Fault.REPLICA_LAG && x.replica(i) && start > lagUsableUntil && start < restoredAt) {
                        laggingReplicaReads++;
                    }
                    boolean served = fault.onPrimary ? outcome == Outcome.OK && (x.kind(i) == OpKind.INSERT || x.kind(i) == OpKind.UPDATE)
                            : outcome == Outcome.OK && x.replica(i);
                    if (served && start >= restoredAt) recoveredAt = Math.min(recoveredAt, start + took);
                }
            }
        }
        if (laggingReplicaReads > 0) {
            errors.merge("read on the paused replica past the lag bound", laggingReplicaReads, Integer::sum);
            stale += laggingReplicaReads;
            if (firstStale == null) firstStale = laggingReplicaReads + " reads on the paused replica past the lag bound";
        }
        int reports = 0, reportsLate = 0, reportsFailed = 0, missingHealthy = 0;
        long slowestReport = 0;
        long healthyMask = ~(1L << affected);
        for (Reporter r : reporters) {
            r.samples.errors.forEach((k, v) -> errors.merge("report: " + k, v, Integer::sum));
            r.samples.firstMessages.forEach((k, v) -> messages.putIfAbsent("report: " + k, v));
            for (int i = 0; i < r.samples.size(); i++) {
                long start = r.samples.start(i);
                if (start < faultStart || start >= restoredAt) continue;
                reports++;
                slowestReport = Math.max(slowestReport, r.samples.duration(i));
                if (r.samples.duration(i) > s.reportBound().toNanos()) reportsLate++;
                if (r.samples.outcome(i) != Outcome.OK) reportsFailed++;
            }
            for (long[] failed : r.shardFailures) {
                if (failed[0] >= faultStart && failed[0] < restoredAt && (failed[1] & healthyMask) != 0) missingHealthy++;
            }
        }
        double baselineSeconds = (faultStart - baselineStart) / (double) NANOS_PER_SECOND;
        double faultSeconds = (restoredAt - faultStart) / (double) NANOS_PER_SECOND;
        return new FaultResult(fault, shard, calls, errors, messages, foreign, unnamed, slow, Duration.ofNanos(slowest),
                slowestErrorDetail,
                p99(baseline), p99(during), baseline.size() / baselineSeconds, during.size() / faultSeconds,
                unaffectedErrors, reports, reportsLate, reportsFailed, Duration.ofNanos(slowestReport), missingHealthy,
                recoveredAt == Long.MAX_VALUE ? null : Duration.ofNanos(recoveredAt - restoredAt), stale, firstStale,
                stuck, data, leaks, s);
    }

    static Duration p99(List<Long> nanos) {
        if (nanos.isEmpty()) return Duration.ZERO;
        long[] sorted = nanos.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(sorted);
        return Duration.ofNanos(sorted[(int) Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)]);
    }

    private static long[][] customersByShard(FaultCluster c, int customers) {
        List<List<Long>> byShard = new ArrayList<>();
        c.shards.forEach(x -> byShard.add(new ArrayList<>()));
        for (long k = 0; k < customers; k++) byShard.get(c.indexOf(c.cluster.shardFor(k))).add(k);
        return byShard.stream().map(l -> l.stream().mapToLong(Long::longValue).toArray()).toArray(long[][]::new);
    }

    private static void sleepUntil(long t0, Duration offset) throws InterruptedException {
        long wait = t0 + offset.toNanos() - System.nanoTime();
        if (wait > 0) TimeUnit.NANOSECONDS.sleep(wait);
    }
}
