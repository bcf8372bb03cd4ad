package io.shardkit.query.differential;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.shardkit.router.ShardCluster;
import io.shardkit.test.Engine;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The fan-out's promise, checked by difference: the same orders in one database and split over 4 and over 8 shards,
 * and every generated query answered through the fan-out as the single database answers it — or refused, naming
 * the construct. Seeded: {@code -Dshardkit.diff.seed=random} or {@code =12345}, {@code -Dshardkit.diff.queries=N}.
 *
 * <p>The runner under test is {@link FanOutUnderTest#RUNNER}. While that is the concatenating stand-in this test
 * still checks that every query runs on both engines and prints the stand-in's report, then is skipped.
 */
class DifferentialFanOutTest {
    static final int ORDERS = 3_000;
    static final int[] SHARD_COUNTS = {4, 8};
    /**
     * Refusing is allowed, refusing most things is not: the generator makes about 8% of queries refusable on purpose,
     * so a fan-out refusing over a fifth of them refuses much that it should answer.
     */
    static final double MAX_REFUSED_FRACTION = 0.20;

    /** Read once, so a random seed is one seed for both engines, printed once per engine with how to replay it. */
    static DifferentialSettings settings;

    @BeforeAll
    static void readSettings() {
        settings = DifferentialSettings.fromSystemProperties();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Engine.class, names = {"H2", "POSTGRES"})
    void everyQueryIsAnsweredAsTheSingleDatabaseAnswersItOrRefused(Engine engine) {
        String runner = FanOutUnderTest.isStandIn() ? "the concatenating stand-in (no merge)" : "FanOut";
        System.out.println("[differential] " + engine + ": " + settings.describe() + ", runner: " + runner);

        long start = System.nanoTime();
        OrdersData data = OrdersData.generate(settings.seed(), ORDERS);
        List<GeneratedQuery> queries = new QueryGenerator(settings.seed(), data).generate(settings.queries());
        Map<String, DifferentialReport> reports;
        long loaded;
        try (ShardedOrders orders = ShardedOrders.start(engine, data, SHARD_COUNTS)) {
            loaded = System.nanoTime();
            orders.spread().forEach((n, perShard) -> {
                assertEquals(ORDERS, perShard.values().stream().mapToInt(Integer::intValue).sum(), n + " shards hold every order");
                assertTrue(perShard.values().stream().allMatch(c -> c > ORDERS / n / 4),
                        () -> "each of " + n + " shards holds a share, so every query has rows to merge: " + perShard);
            });
            Map<String, ShardCluster> clusters = new LinkedHashMap<>();
            for (int n : orders.shardCounts()) clusters.put(engine + ", " + n + " shards", orders.cluster(n));
            reports = new DifferentialHarness(orders.reference(), FanOutUnderTest.RUNNER).run(settings.seed(), queries, clusters);
        }
        long end = System.nanoTime();
        reports.values().forEach(r -> System.out.println("[differential] " + r.render()));
        System.out.printf("[differential] %s: setup and load %d ms, queries %d ms%n", engine,
                (loaded - start) / 1_000_000, (end - loaded) / 1_000_000);

        // Whatever the runner: every query meant to be answerable runs on the single database, on both engines.
        for (DifferentialReport r : reports.values()) {
            assertEquals(settings.queries(), r.run(), r.label());
            assertEquals(0, r.invalid(), () -> "the generator made queries the single database rejects:\n" + r.render());
        }

        assumeFalse(FanOutUnderTest.isStandIn(), "FanOutUnderTest.RUNNER is still the concatenating stand-in, which "
                + "merges nothing — switch it to FanOut after merging; the stand-in's report is printed above");

        for (DifferentialReport r : reports.values()) {
            assertAll(r.label(),
                    () -> assertEquals(0, r.wrong(), () -> "wrong answers:\n" + r.render()),
                    () -> assertEquals(0, r.misrefused(), () -> "refused for another construct than generated:\n" + r.render()),
                    () -> assertEquals(0, r.errors(), () -> "errors:\n" + r.render()),
                    () -> assertTrue(r.refused() <= MAX_REFUSED_FRACTION * r.run(),
                            () -> "refused " + r.refused() + " of " + r.run() + " queries, more than "
                                    + (int) (MAX_REFUSED_FRACTION * 100) + "%:\n" + r.render()));
        }
    }
}
