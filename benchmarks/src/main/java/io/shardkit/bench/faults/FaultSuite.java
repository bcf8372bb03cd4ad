package io.shardkit.bench.faults;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The fault suite: a 4-shard embedded PostgreSQL cluster with streaming replicas under load from virtual-thread
 * callers, one fault at a time on shard {@code s0}; prints a results table and every rule a fault broke, and exits 1
 * when one did.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.shardkit.bench.faults.FaultSuite [--short] [--faults primary_kill,primary_hang,...]
 * </pre>
 */
public final class FaultSuite {
    /**
     * The shard every fault is done to: the first, whose database a fan-out's merge would use if it did not move the
     * merge to a shard that answered.
     */
    static final int AFFECTED = 0;
    static final int SHARDS = 4;

    private FaultSuite() {
    }

    public static void main(String[] args) throws Exception {
        // HikariCP logs every broken connection with its stack trace at WARN; the suite breaks hundreds on purpose.
        System.setProperty("org.slf4j.simpleLogger.log.com.zaxxer.hikari", "error");
        FaultSettings settings = FaultSettings.full();
        List<Fault> faults = List.of(Fault.values());
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--short" -> settings = FaultSettings.ci();
                case "--faults" -> {
                    if (i + 1 == args.length) usage("--faults needs a list");
                    faults = parse(args[++i]);
                }
                default -> usage("unknown argument '" + args[i] + "'");
            }
        }
        List<FaultResult> results = run(settings, faults, System.out);
        print(results, System.out);
        boolean failed = results.stream().anyMatch(r -> !r.violations().isEmpty() || !r.bulkheadViolations().isEmpty());
        System.exit(failed ? 1 : 0);
    }

    /** Runs each fault on a fresh run of the same servers, printing each result as it comes. */
    static List<FaultResult> run(FaultSettings settings, List<Fault> faults, PrintStream out) throws Exception {
        List<FaultResult> results = new ArrayList<>();
        long started = System.nanoTime();
        try (FaultCluster c = FaultCluster.start(SHARDS, settings)) {
            out.printf("fault suite: %d shards (PostgreSQL primary + streaming replica each), %d callers + %d reporters,"
                            + " started in %d ms%n", SHARDS, settings.callers(), settings.reporters(),
                    (System.nanoTime() - started) / 1_000_000);
            for (Fault fault : faults) {
                FaultResult r = FaultRun.run(c, fault, AFFECTED, settings);
                results.add(r);
                out.println(FaultResult.tableHeader());
                out.println(r.tableRow());
                r.violations().forEach(v -> out.println("  VIOLATION " + v));
                r.bulkheadViolations().forEach(v -> out.println("  VIOLATION " + v));
                r.firstMessages().forEach((type, message) -> out.println("  " + type + ": " + message));
            }
        }
        return results;
    }

    static void print(List<FaultResult> results, PrintStream out) {
        out.println();
        out.println(FaultResult.tableHeader());
        results.forEach(r -> out.println(r.tableRow()));
    }

    private static List<Fault> parse(String list) {
        List<Fault> faults = new ArrayList<>();
        for (String name : list.split(",")) {
            try {
                faults.add(Fault.valueOf(name.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                usage("unknown fault '" + name + "'");
            }
        }
        return faults;
    }

    private static void usage(String problem) {
        System.err.println("fault-suite: " + problem);
        System.err.println("usage: FaultSuite [--short] [--faults f1,f2,...]   faults: "
                + Arrays.stream(Fault.values()).map(f -> f.name().toLowerCase(Locale.ROOT)).toList());
        System.exit(2);
    }
}
