package io.shardkit.query.differential;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The outcome of one differential run (one engine, one cluster): how many queries ran, were answered equal to the
 * single database, were refused (by the construct the fan-out named), or failed — wrong rows, a refusal naming the
 * wrong construct, an error, or a query the single database itself could not run — with the first few failures
 * as SQL, expected and actual rows.
 *
 * @param refusedByConstruct     refusals by the construct the fan-out named
 * @param refusedAsGenerated     refusals of queries the generator made refusable, for that construct
 * @param answeredRefusable      queries made refusable that the fan-out answered, and answered equal
 * @param fanOutTime             time spent inside the runner
 * @param refusedAnswerable      refusals of queries with no refusable construct, which the generator meant to be answerable
 * @param byConstruct            per construct: run, equal, refused, wrong, misrefused, errors (and invalid)
 * @param misrefusedByConstruct  refusals naming none of the query's refusable constructs, by the name they gave (up to
 *                               its first " (", so expressions quoted in it do not make every name different)
 * @param equalUnderCollation    answers counted equal only because strings that differ are equal under the reference
 *                               database's collation (a group represented by 'NEW' instead of 'new')
 */
record DifferentialReport(String label, long seed, int run, int equal, int refused, Map<String, Integer> refusedByConstruct,
                          int refusedAsGenerated, int answeredRefusable, int wrong, int misrefused, int errors,
                          int invalid, Map<Construct, Integer> coverage, List<Failure> failures, Duration fanOutTime,
                          int refusedAnswerable, int answerable, Map<Construct, Counts> byConstruct,
                          Map<String, Integer> misrefusedByConstruct, int equalUnderCollation) {

    /** Outcomes of the queries using one construct. */
    record Counts(int run, int equal, int refused, int wrong, int misrefused, int errors) {
        Counts add(Counts o) {
            return new Counts(run + o.run, equal + o.equal, refused + o.refused, wrong + o.wrong, misrefused + o.misrefused,
                    errors + o.errors);
        }
    }

    /** Failures listed in full, of each kind; the rest are only counted. */
    static final int LISTED = 5;
    private static final int ROWS_SHOWN = 6;

    /** What went wrong with one query. */
    enum Kind { WRONG, MISREFUSED, ERROR, INVALID }

    record Failure(int query, Kind kind, String sql, String detail, List<List<Object>> expected, List<List<Object>> actual) {
        Failure {
            expected = List.copyOf(expected);
            actual = List.copyOf(actual);
        }
    }

    DifferentialReport {
        refusedByConstruct = Map.copyOf(refusedByConstruct);
        coverage = Map.copyOf(coverage);
        failures = List.copyOf(failures);
        byConstruct = Map.copyOf(byConstruct);
        misrefusedByConstruct = Map.copyOf(misrefusedByConstruct);
    }

    /** Queries that count against the fan-out (or, for invalid, against the generator). */
    int failed() {
        return wrong + misrefused + errors + invalid;
    }

    String summary() {
        return label + " (seed " + seed + "): " + run + " queries run, " + equal + " equal, " + refused + " refused"
                + (refusedByConstruct.isEmpty() ? "" : " " + new TreeMap<>(refusedByConstruct)) + ", " + wrong + " wrong, "
                + misrefused + " refused for another construct, " + errors + " errors, " + invalid
                + " invalid; fan-out time " + fanOutTime.toMillis() + " ms";
    }

    /** The summary, the coverage and the listed failures, for a test log. */
    String render() {
        StringBuilder b = new StringBuilder(summary()).append('\n');
        b.append("  refused as generated: ").append(refusedAsGenerated).append(" of ").append(refused)
                .append("; refusable queries answered equal: ").append(answeredRefusable)
                .append("; queries meant to be answerable refused: ").append(refusedAnswerable).append(" of ").append(answerable)
                .append("; equal only under the collation: ").append(equalUnderCollation).append('\n');
        if (!misrefusedByConstruct.isEmpty()) {
            b.append("  refused for another construct, by the name given: ").append(new TreeMap<>(misrefusedByConstruct)).append('\n');
        }
        b.append(constructTable());
        if (!failures.isEmpty()) {
            b.append("  first ").append(failures.size()).append(" of ").append(failed()).append(" failures (up to ").append(LISTED).append(" of each kind):\n");
            for (Failure f : failures) {
                b.append("  #").append(f.query()).append(' ').append(f.kind()).append(": ").append(f.sql()).append('\n');
                b.append("      ").append(f.detail()).append('\n');
                b.append("      expected ").append(rows(f.expected())).append('\n');
                b.append("      actual   ").append(rows(f.actual())).append('\n');
            }
        }
        return b.toString();
    }

    /** One line per construct: how many queries using it ran, were equal, refused (and what share), failed. */
    String constructTable() {
        StringBuilder b = new StringBuilder();
        b.append(String.format("  %-26s %6s %6s %7s %6s %6s %6s %6s%n", "construct", "run", "equal", "refused", "share",
                "wrong", "misref", "error"));
        new EnumMap<>(byConstruct).forEach((c, n) -> b.append(String.format("  %-26s %6d %6d %7d %5.1f%% %6d %6d %6d%n",
                c, n.run(), n.equal(), n.refused(), n.run() == 0 ? 0.0 : 100.0 * n.refused() / n.run(), n.wrong(),
                n.misrefused(), n.errors())));
        return b.toString();
    }

    private static String rows(List<List<Object>> rows) {
        String shown = rows.stream().limit(ROWS_SHOWN).map(ResultComparator::format).collect(Collectors.joining(" "));
        return rows.size() + " row(s): " + shown + (rows.size() > ROWS_SHOWN ? " …" : "");
    }

    /** Counts outcomes as a run goes; {@link #build} freezes them. */
    static final class Tally {
        private final String label;
        private final long seed;
        private int run, equal, refused, refusedAsGenerated, answeredRefusable, wrong, misrefused, errors, invalid;
        private int refusedAnswerable, answerable, equalUnderCollation;
        private final Map<Construct, Counts> byConstruct = new EnumMap<>(Construct.class);
        private final Map<String, Integer> misrefusedByConstruct = new TreeMap<>();
        private final Map<String, Integer> refusedByConstruct = new TreeMap<>();
        private final Map<Construct, Integer> coverage = new EnumMap<>(Construct.class);
        private final List<Failure> failures = new ArrayList<>();
        private long fanOutNanos;

        Tally(String label, long seed) {
            this.label = label;
            this.seed = seed;
        }

        void ran(GeneratedQuery q, long nanos) {
            run++;
            fanOutNanos += nanos;
            if (!q.isRefusable()) answerable++;
            q.constructs().forEach(c -> coverage.merge(c, 1, Integer::sum));
            count(q, new Counts(1, 0, 0, 0, 0, 0));
        }

        private void count(GeneratedQuery q, Counts n) {
            q.constructs().forEach(c -> byConstruct.merge(c, n, Counts::add));
        }

        void equal(GeneratedQuery q) {
            equal(q, false);
        }

        /** @param underCollation equal only once strings the reference database holds equal were taken as equal */
        void equal(GeneratedQuery q, boolean underCollation) {
            equal++;
            if (underCollation) equalUnderCollation++;
            if (q.isRefusable()) answeredRefusable++;
            count(q, new Counts(0, 1, 0, 0, 0, 0));
        }

        void refused(GeneratedQuery q, String construct) {
            refused++;
            refusedByConstruct.merge(construct, 1, Integer::sum);
            if (q.isRefusable()) refusedAsGenerated++;
            else refusedAnswerable++;
            count(q, new Counts(0, 0, 1, 0, 0, 0));
        }

        /** Counts a failure; builds its listing (rendering SQL) only while fewer than {@link #LISTED} of its kind are listed. */
        /** Notes the name a refusal of the wrong construct gave. */
        void misrefusedAs(String construct) {
            String name = String.valueOf(construct);
            int paren = name.indexOf(" (");
            misrefusedByConstruct.merge(paren < 0 ? name : name.substring(0, paren), 1, Integer::sum);
        }

        void failed(GeneratedQuery q, Kind kind, java.util.function.Supplier<Failure> failure) {
            switch (kind) {
                case WRONG -> wrong++;
                case MISREFUSED -> misrefused++;
                case ERROR -> errors++;
                case INVALID -> invalid++;
            }
            count(q, switch (kind) {
                case WRONG -> new Counts(0, 0, 0, 1, 0, 0);
                case MISREFUSED -> new Counts(0, 0, 0, 0, 1, 0);
                case ERROR, INVALID -> new Counts(0, 0, 0, 0, 0, 1);
            });
            if (failures.stream().filter(f -> f.kind() == kind).count() < LISTED) failures.add(failure.get());
        }

        DifferentialReport build() {
            return new DifferentialReport(label, seed, run, equal, refused, refusedByConstruct, refusedAsGenerated,
                    answeredRefusable, wrong, misrefused, errors, invalid, coverage, failures, Duration.ofNanos(fanOutNanos),
                    refusedAnswerable, answerable, byConstruct, misrefusedByConstruct, equalUnderCollation);
        }
    }
}
