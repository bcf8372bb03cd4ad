package io.shardkit.bench.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one fault run measured, and what it broke of the suite's rules ({@link #violations()}).
 *
 * @param errorsByType      failed calls on any shard, by exception type (and Shardkit's code)
 * @param firstMessages     the first message of each error type
 * @param foreignErrors     calls that failed with an exception not Shardkit's
 * @param unnamedShard      calls that failed with a ShardException not naming their shard
 * @param slowErrors        failed calls that took longer than {@link FaultSettings#errorBound()}
 * @param slowestError      the longest a failed call took
 * @param slowestErrorDetail that call: what it was, when it started (ms into the run), its error
 * @param baselineP99       p99 of the unaffected shards' calls before the fault
 * @param faultP99          p99 of the unaffected shards' calls while the fault was on
 * @param baselineRate      the unaffected shards' calls per second before the fault
 * @param faultRate         the same while the fault was on
 * @param unaffectedErrors  failed calls on the unaffected shards while the fault was on
 * @param reports           fan-out reports run while the fault was on
 * @param reportsLate       of them, those that took longer than {@link FaultSettings#reportBound()}
 * @param reportsFailed     of them, those that threw instead of returning the shards that answered
 * @param slowestReport     the longest a report took while the fault was on
 * @param reportsMissingHealthy reports during the fault in which an unaffected shard did not answer OK
 * @param recovery          from the server's return to the first call the affected shard served again (replica
 *                          faults: the first read served by its replica); null if it never did
 * @param staleReads        reads that missed the caller's own acknowledged write
 * @param stuckThreads      callers still running 30 s after they were told to stop
 */
record FaultResult(Fault fault, String shard, long calls, Map<String, Integer> errorsByType,
                   Map<String, String> firstMessages, int foreignErrors, int unnamedShard, int slowErrors,
                   Duration slowestError, String slowestErrorDetail, Duration baselineP99, Duration faultP99, double baselineRate, double faultRate,
                   int unaffectedErrors, int reports, int reportsLate, int reportsFailed, Duration slowestReport, int reportsMissingHealthy,
                   Duration recovery, int staleReads, String firstStaleRead, int stuckThreads, Verification data,
                   Leaks leaks, FaultSettings settings) {

    double p99Ratio() {
        return baselineP99.isZero() ? Double.NaN : (double) faultP99.toNanos() / baselineP99.toNanos();
    }

    /** Every rule this run broke except the p99 bound, which {@link #bulkheadViolations()} gives. */
    List<String> violations() {
        List<String> v = new ArrayList<>();
        if (data.lost() > 0) v.add(data.lost() + " acknowledged writes lost: " + data.examples());
        if (data.duplicated() > 0) v.add(data.duplicated() + " writes applied twice: " + data.examples());
        if (staleReads > 0) v.add(staleReads + " reads missed the caller's own write, e.g. " + firstStaleRead);
        if (foreignErrors > 0) v.add(foreignErrors + " calls failed with an exception not Shardkit's: " + foreignTypes());
        if (unnamedShard > 0) v.add(unnamedShard + " calls failed with a ShardException not naming their shard");
        if (slowErrors > 0) v.add(slowErrors + " failed calls took longer than " + settings.errorBound().toMillis()
                + " ms; the slowest: " + slowestErrorDetail);
        if (unaffectedErrors > 0) v.add(unaffectedErrors + " calls on unaffected shards failed during the fault");
        if (reportsLate > 0) v.add(reportsLate + " PARTIAL reports took longer than " + settings.reportBound().toMillis()
                + " ms (slowest " + slowestReport.toMillis() + " ms)");
        if (reportsFailed > 0) v.add(reportsFailed + " PARTIAL reports failed during the fault: " + firstMessages.entrySet()
                .stream().filter(e -> e.getKey().startsWith("report: ")).toList());
        if (reportsMissingHealthy > 0) v.add(reportsMissingHealthy + " PARTIAL reports lacked a healthy shard");
        if (recovery == null) v.add("the affected shard never served again after the fault ended");
        else if (recovery.compareTo(FaultSettings.RECOVERY_GOAL) > 0) v.add("recovery took " + recovery.toMillis() + " ms");
        if (stuckThreads > 0) v.add(stuckThreads + " callers never returned");
        if (leaks.checkedOut() > 0) v.add(leaks.checkedOut() + " connections still checked out after the run");
        if (!leaks.serverSessions().isEmpty()) v.add("left on the servers after close: " + leaks.serverSessions());
        if (!leaks.threads().isEmpty()) v.add("Shardkit threads alive after close: " + leaks.threads());
        return v;
    }

    /** The bulkhead's latency bound: the unaffected shards' p99 during the fault within 2x their baseline. */
    List<String> bulkheadViolations() {
        return p99Ratio() > 2.0 ? List.of(String.format("unaffected shards' p99 %.1f ms during the fault, %.2fx the "
                + "baseline %.1f ms", ms(faultP99), p99Ratio(), ms(baselineP99))) : List.of();
    }

    private String foreignTypes() {
        Map<String, Integer> foreign = new TreeMap<>(errorsByType);
        foreign.keySet().removeIf(k -> k.startsWith("ShardException/"));
        Map<String, String> messages = new TreeMap<>(firstMessages);
        messages.keySet().retainAll(foreign.keySet());
        return foreign + " " + messages;
    }

    static double ms(Duration d) {
        return d.toNanos() / 1e6;
    }

    /** A row of the results table in {@code benchmarks/RESULTS.md}. */
    String tableRow() {
        return String.format("| %s | %,d | %,d | %d | %d | %s | %,d ms | %.1f / %.1f ms (%.2fx); %,.0f / %,.0f calls/s | "
                        + "%d, %d late, %d failed; slowest %,d ms | %s | %s | %s |",
                fault, data.acknowledgedInserts() + data.acknowledgedUpdates(), data.unknownOutcomes(), data.lost(),
                data.duplicated(), errorsByType.isEmpty() ? "none" : new TreeMap<>(errorsByType).toString(),
                slowestError.toMillis(), ms(baselineP99), ms(faultP99), p99Ratio(), baselineRate, faultRate, reports,
                reportsLate, reportsFailed, slowestReport.toMillis(),
                recovery == null ? "never" : recovery.toMillis() + " ms", leftovers(),
                violations().isEmpty() && bulkheadViolations().isEmpty() ? "pass" : "FAIL");
    }

    private String leftovers() {
        return leaks.none() && stuckThreads == 0 ? "none" : "checked out " + leaks.checkedOut() + ", server sessions "
                + leaks.serverSessions().size() + ", threads " + leaks.threads().size() + ", stuck callers " + stuckThreads;
    }

    static String tableHeader() {
        return "| fault | writes acknowledged | unknown outcome | lost | written twice | errors by type | slowest failed call "
                + "| unaffected shards: p99 baseline / fault (ratio); calls/s | PARTIAL reports during the fault | recovery "
                + "| left after the run | result |\n"
                + "|---|---|---|---|---|---|---|---|---|---|---|---|";
    }
}
