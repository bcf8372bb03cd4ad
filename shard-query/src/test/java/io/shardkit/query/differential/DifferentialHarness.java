package io.shardkit.query.differential;

import io.shardkit.cluster.ShardCluster;
import io.shardkit.query.UnsupportedFanOutException;
import io.shardkit.query.differential.DifferentialReport.Failure;
import io.shardkit.query.differential.DifferentialReport.Kind;
import io.shardkit.query.differential.ResultComparator.Comparison;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Result;

/**
 * Runs each generated query once on the single reference database and through a {@link FanOutRunner} on each
 * cluster, and judges the fan-out's answer:
 *
 * <ul>
 *   <li>{@code EQUAL} — rows the single database could have returned ({@link ResultComparator});</li>
 *   <li>{@code REFUSED} — {@link UnsupportedFanOutException}; for a query with refusable constructs it must name
 *       one of them, or it is {@code MISREFUSED};</li>
 *   <li>{@code WRONG} — any other rows, or any answer to a query that relates rows across shard keys (a join,
 *       derived table or subquery not by the shard key) run without {@code assumeColocated()}, which must be
 *       refused;</li>
 *   <li>{@code ERROR} — anything else thrown, or a refusable query the single database cannot run (e.g. LIMIT
 *       PERCENT on PostgreSQL) not refused;</li>
 *   <li>{@code INVALID} — the single database rejects a query meant to be answerable: a generator bug.</li>
 * </ul>
 */
final class DifferentialHarness {

    enum Verdict { EQUAL, REFUSED, WRONG, MISREFUSED, ERROR, INVALID }

    /** The judgement of one query on one cluster; {@code construct} is set when refused. */
    record Outcome(Verdict verdict, String construct, String detail, List<List<Object>> expected, List<List<Object>> actual) {
    }

    private final DSLContext reference;
    private final FanOutRunner runner;
    private final CollationEquality collation;

    DifferentialHarness(DSLContext reference, FanOutRunner runner) {
        this.reference = Objects.requireNonNull(reference, "reference");
        this.runner = Objects.requireNonNull(runner, "runner");
        this.collation = new CollationEquality(reference);
    }

    /**
     * Runs every query on every cluster (label → cluster); one report per cluster, in the map's order. The clusters
     * judge each query at once, each on a thread of its own (a fan-out waits on its databases most of the time); the
     * single database answers it once, before.
     */
    Map<String, DifferentialReport> run(long seed, List<GeneratedQuery> queries, Map<String, ShardCluster> clusters) {
        Map<String, DifferentialReport.Tally> tallies = new LinkedHashMap<>();
        clusters.keySet().forEach(label -> tallies.put(label, new DifferentialReport.Tally(label, seed)));
        try (java.util.concurrent.ExecutorService judges = java.util.concurrent.Executors.newFixedThreadPool(clusters.size())) {
            for (GeneratedQuery q : queries) {
                Expected expected = expected(q);
                Map<String, java.util.concurrent.Future<Outcome>> judged = new LinkedHashMap<>();
                Map<String, long[]> nanos = new LinkedHashMap<>();
                clusters.forEach((label, cluster) -> {
                    long[] took = new long[1];
                    nanos.put(label, took);
                    judged.put(label, judges.submit(() -> {
                        long start = System.nanoTime();
                        Outcome outcome = judge(q, expected, cluster);
                        took[0] = System.nanoTime() - start;
                        return outcome;
                    }));
                });
                judged.forEach((label, future) -> tally(tallies.get(label), q, join(future), nanos.get(label)[0]));
            }
        }
        Map<String, DifferentialReport> reports = new LinkedHashMap<>();
        tallies.forEach((label, tally) -> reports.put(label, tally.build()));
        return reports;
    }

    private static Outcome join(java.util.concurrent.Future<Outcome> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while judging", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    private void tally(DifferentialReport.Tally tally, GeneratedQuery q, Outcome outcome, long nanos) {
        tally.ran(q, nanos);
        switch (outcome.verdict()) {
            case EQUAL -> tally.equal(q, !outcome.detail().isEmpty());
            case REFUSED -> tally.refused(q, outcome.construct());
            default -> {
                if (outcome.verdict() == Verdict.MISREFUSED) tally.misrefusedAs(outcome.construct());
                Kind kind = Kind.valueOf(outcome.verdict().name());
                tally.failed(q, kind, () -> new Failure(q.number(), kind, sql(q), outcome.detail(), outcome.expected(),
                        outcome.actual()));
            }
        }
    }

    /** Judges one query on one cluster. */
    Outcome check(GeneratedQuery q, ShardCluster cluster) {
        return judge(q, expected(q), cluster);
    }

    /** The query as the reference database's dialect renders it, with values inlined. */
    String sql(GeneratedQuery q) {
        return reference.renderInlined(q.select());
    }

    private Outcome judge(GeneratedQuery q, Expected expected, ShardCluster cluster) {
        if (expected.failure() != null && referenceBug(expected.failure())) {
            // H2 2.5.252 fails inside itself on some FILTER combinations ("General error: ArrayIndexOutOfBounds"):
            // there is no reference answer to judge by, so the query is counted as refused, with this name
            return new Outcome(Verdict.REFUSED, "the reference database failed internally", firstLine(expected.failure()),
                    List.of(), List.of());
        }
        if (expected.failure() != null && !q.isRefusable()) {
            return new Outcome(Verdict.INVALID, "", "the single database rejects this query, which the generator meant to "
                    + "be answerable: " + firstLine(expected.failure()), List.of(), List.of());
        }
        // Only a refusal is right for a refusable query the single database cannot run (LIMIT PERCENT on PostgreSQL).
        String mustRefuse = expected.failure() == null ? "" : "the single database cannot run this query ("
                + firstLine(expected.failure()) + "), so a fan-out must refuse it as one of " + q.refusableNames()
                + "; instead it ";
        List<List<Object>> actual;
        try {
            actual = runner.run(cluster, q.select(), q.colocated()).stream().map(DifferentialHarness::values).toList();
        } catch (UnsupportedFanOutException e) {
            // "… on H2": a limit of this engine (a construct it lacks, a value it computes its own way), not of the query
            boolean engineLimit = e.construct().matches(".* on (H2|POSTGRES|MARIADB|MYSQL)\\b.*");
            if (q.isRefusable() && !q.accepts(e.construct()) && !engineLimit) {
                return new Outcome(Verdict.MISREFUSED, e.construct(), "refusable for " + q.refusableNames()
                        + ", but refused for '" + e.construct() + "': " + e.getMessage(), expected.rows(), List.of());
            }
            return new Outcome(Verdict.REFUSED, e.construct(), e.getMessage(), List.of(), List.of());
        } catch (RuntimeException e) {
            if (!mustRefuse.isEmpty() && rejectedByTheDatabase(e)) {
                // the single database rejects the query and so does the one the fan-out ran it on: both answer alike
                return new Outcome(Verdict.REFUSED, "rejected by the database", firstLine(e), List.of(), List.of());
            }
            return new Outcome(Verdict.ERROR, "", (mustRefuse.isEmpty() ? "the fan-out " : mustRefuse) + "threw "
                    + e.getClass().getSimpleName() + ": " + firstLine(e), expected.rows(), List.of());
        }
        if (!mustRefuse.isEmpty()) {
            return new Outcome(Verdict.ERROR, "", mustRefuse + "answered", List.of(), actual);
        }
        if (q.mustRefuse()) {
            return new Outcome(Verdict.WRONG, "", "answered, without assumeColocated(), a query relating rows of different "
                    + "shard keys (" + q.refusableNames() + "), which each shard alone cannot answer: it must be refused",
                    expected.rows(), actual);
        }
        Comparison c = ResultComparator.compare(q.shape(), expected.columns(), expected.rows(), actual, expected.complete(),
                collation);
        if (c.equal()) return new Outcome(Verdict.EQUAL, "", c.difference(), expected.rows(), actual);
        String detail = (q.isRefusable() ? "answered a query it may refuse (" + q.refusableNames() + "), wrongly: " : "")
                + c.difference();
        return new Outcome(Verdict.WRONG, "", detail, expected.rows(), actual);
    }

    /** An internal error of the reference engine (H2's "General error", SQLState HY000), not a rejection of the query. */
    private static boolean referenceBug(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLException sql && "HY000".equals(sql.getSQLState())
                    && String.valueOf(sql.getMessage()).startsWith("General error")) {
                return true;
            }
        }
        return false;
    }

    private static boolean rejectedByTheDatabase(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLException) return true;
        }
        return false;
    }

    /** The reference answer; {@code failure} set instead when the single database cannot run the query. */
    private record Expected(List<String> columns, List<List<Object>> rows, RuntimeException failure,
                            Supplier<List<List<Object>>> complete) {
    }

    private Expected expected(GeneratedQuery q) {
        Result<? extends Record> result;
        try {
            result = reference.fetch(q.select());
        } catch (RuntimeException e) {
            return new Expected(List.of(), List.of(), e, List::of);
        }
        List<String> columns = Arrays.stream(result.fields()).map(Field::getName).toList();
        List<List<Object>> rows = result.stream().map(DifferentialHarness::values).toList();
        Supplier<List<List<Object>>> complete = new Supplier<>() {
            private List<List<Object>> rows;

            @Override
            public List<List<Object>> get() {
                if (rows == null) rows = reference.fetch(q.withoutLimit()).stream().map(DifferentialHarness::values).toList();
                return rows;
            }
        };
        return new Expected(columns, rows, null, complete);
    }

    /** The row's values; a list that may hold nulls, with arrays (ARRAY_AGG) as lists, so they compare by content. */
    private static List<Object> values(Record r) {
        Object[] values = r.intoArray();
        for (int i = 0; i < values.length; i++) {
            if (values[i] instanceof Object[] a) values[i] = Arrays.asList(a);
        }
        return Arrays.asList(values);
    }

    private static String firstLine(Throwable e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
