package io.shardkit.query.differential;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.shardkit.cluster.ShardCluster;
import io.shardkit.query.differential.ShardedOrders.Topology;
import io.shardkit.test.Engine;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The fan-out's promise, checked by difference: the same orders (and their colocated lines) in one database and split
 * over 4 shards, 8 shards, and 4 logical shards as schemas on 2 databases, on H2, PostgreSQL and MariaDB; every
 * generated query answered through the fan-out as the single database answers it — or refused, naming the construct.
 * Seeded: {@code -Dshardkit.diff.seed=random} or {@code =12345}, {@code -Dshardkit.diff.queries=N} (default 3,000 per
 * engine, each run on every cluster), {@code -Dshardkit.diff.engines=H2,POSTGRES} to run only some engines.
 *
 * <p>MariaDB runs with the server's default character set and collation, which for the embedded MariaDB 10.11 is
 * {@code latin1} / {@code latin1_swedish_ci} — case- and accent-insensitive, PAD SPACE — so the data drops the one
 * string latin1 cannot store ({@link OrdersData#latin1()}), and strings are compared under that collation
 * ({@link CollationEquality}). Schemas work on every engine: on MariaDB a schema is a database of the same server,
 * which the shard's pool reaches by qualifying table names.
 */
class DifferentialFanOutTest {
    static final int ORDERS = 2_000;
    static final List<Topology> TOPOLOGIES = List.of(Topology.shards(4), Topology.shards(8), Topology.schemas(4, 2));

    /**
     * The topologies to run: all, or those whose label starts with one of {@code -Dshardkit.diff.topologies} (comma
     * separated, e.g. {@code "4 shards"}) — for long runs, where one topology per engine is a third of the time.
     */
    static List<Topology> topologies() {
        String only = System.getProperty("shardkit.diff.topologies", "").strip();
        if (only.isEmpty()) return TOPOLOGIES;
        List<String> prefixes = java.util.Arrays.stream(only.split(",")).map(String::strip).toList();
        List<Topology> chosen = TOPOLOGIES.stream().filter(t -> prefixes.stream().anyMatch(t.label()::startsWith)).toList();
        if (chosen.isEmpty()) {
            throw new IllegalArgumentException("shardkit.diff.topologies=" + only + " names none of "
                    + TOPOLOGIES.stream().map(Topology::label).toList());
        }
        return chosen;
    }
    /**
     * Only the queries numbered in {@code -Dshardkit.diff.replay} (comma separated, e.g. {@code 78088}), when given:
     * a failure of a long run replays in seconds with its seed, its query count and its number.
     */
    static List<GeneratedQuery> replayed(List<GeneratedQuery> all) {
        String only = System.getProperty("shardkit.diff.replay", "").strip();
        if (only.isEmpty()) return all;
        java.util.Set<Integer> numbers = new java.util.HashSet<>();
        for (String n : only.split(",")) numbers.add(Integer.parseInt(n.strip()));
        List<GeneratedQuery> chosen = all.stream().filter(q -> numbers.contains(q.number())).toList();
        if (chosen.size() != numbers.size()) {
            throw new IllegalArgumentException("shardkit.diff.replay=" + only + " names queries this run does not generate;"
                    + " give the failing run's seed and shardkit.diff.queries");
        }
        return chosen;
    }

    /**
     * Queries with no refusable construct may still be refused, but few: a fan-out refusing over a tenth of the plain
     * projections, aggregates, groups, DISTINCTs and UNIONs refuses much that it should answer.
     */
    static final double MAX_REFUSED_ANSWERABLE = 0.10;
    /**
     * Of all queries, about half use a construct a fan-out may refuse (functions, string order, joins, ...); refusing
     * more than 60% of everything would leave too little of the surface answered.
     */
    static final double MAX_REFUSED = 0.60;

    /** Read once, so a random seed is one seed for every engine, printed once per engine with how to replay it. */
    static DifferentialSettings settings;

    @BeforeAll
    static void readSettings() {
        settings = DifferentialSettings.fromSystemProperties();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Engine.class, names = {"H2", "POSTGRES", "MARIADB"})
    void everyQueryIsAnsweredAsTheSingleDatabaseAnswersItOrRefused(Engine engine) {
        String only = System.getProperty("shardkit.diff.engines", "");
        assumeTrue(only.isBlank() || java.util.Arrays.stream(only.split(",")).map(String::strip).anyMatch(engine.name()::equalsIgnoreCase),
                () -> "-Dshardkit.diff.engines=" + only + " leaves out " + engine);
        String runner = FanOutUnderTest.isStandIn() ? "the concatenating stand-in (no merge)" : "FanOut";
        System.out.println("[differential] " + engine + ": " + settings.describe() + ", runner: " + runner);

        long start = System.nanoTime();
        OrdersData data = OrdersData.generate(settings.seed(), ORDERS);
        if (engine == Engine.MARIADB) data = data.latin1();
        List<GeneratedQuery> queries = replayed(new QueryGenerator(settings.seed(), data).generate(settings.queries()));
        Map<String, DifferentialReport> reports;
        long loaded;
        try (ShardedOrders orders = ShardedOrders.start(engine, data, topologies())) {
            loaded = System.nanoTime();
            orders.spread().forEach((t, perShard) -> {
                assertEquals(ORDERS, perShard.values().stream().mapToInt(Integer::intValue).sum(), t.label() + " hold every order");
                assertTrue(perShard.values().stream().allMatch(c -> c > ORDERS / t.shards() / 4),
                        () -> "each of " + t.label() + " holds a share, so every query has rows to merge: " + perShard);
            });
            Map<String, ShardCluster> clusters = new LinkedHashMap<>();
            for (Topology t : orders.topologies()) clusters.put(engine + ", " + t.label(), orders.cluster(t));
            reports = new DifferentialHarness(orders.reference(), FanOutUnderTest.RUNNER).run(settings.seed(), queries, clusters);
        }
        long end = System.nanoTime();
        reports.values().forEach(r -> System.out.println("[differential] " + r.render()));
        System.out.printf("[differential] %s: setup and load %d ms, queries %d ms%n", engine,
                (loaded - start) / 1_000_000, (end - loaded) / 1_000_000);

        // Whatever the runner: every query meant to be answerable runs on the single database.
        for (DifferentialReport r : reports.values()) {
            assertEquals(queries.size(), r.run(), r.label());
            assertEquals(0, r.invalid(), () -> "the generator made queries the single database rejects:\n" + r.render());
        }

        assumeFalse(FanOutUnderTest.isStandIn(), "FanOutUnderTest.RUNNER is the concatenating stand-in, which merges "
                + "nothing; its report is printed above");

        boolean replaying = queries.size() < settings.queries();
        for (DifferentialReport r : reports.values()) {
            assertAll(r.label(),
                    () -> assertEquals(0, r.wrong(), () -> "wrong answers:\n" + r.render()),
                    () -> assertEquals(0, r.misrefused(), () -> "refused for another construct than generated:\n" + r.render()),
                    () -> assertEquals(0, r.errors(), () -> "errors:\n" + r.render()),
                    // a replay of a few queries has no rates to judge
                    () -> assertTrue(replaying || r.refusedAnswerable() <= MAX_REFUSED_ANSWERABLE * r.answerable(),
                            () -> "refused " + r.refusedAnswerable() + " of " + r.answerable() + " queries meant to be "
                                    + "answerable, more than " + (int) (MAX_REFUSED_ANSWERABLE * 100) + "%:\n" + r.render()),
                    () -> assertTrue(replaying || r.refused() <= MAX_REFUSED * r.run(),
                            () -> "refused " + r.refused() + " of " + r.run() + " queries, more than "
                                    + (int) (MAX_REFUSED * 100) + "%:\n" + r.render()));
        }
    }
}
