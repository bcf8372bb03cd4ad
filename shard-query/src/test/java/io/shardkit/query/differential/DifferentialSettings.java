package io.shardkit.query.differential;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/**
 * The seed and size of a differential run, from system properties: {@code -Dshardkit.diff.seed} (a number to
 * replay, {@code random} for a fresh one that is printed; default {@value #DEFAULT_SEED}) and
 * {@code -Dshardkit.diff.queries} (queries per engine, each run on every cluster; default {@value #DEFAULT_QUERIES}).
 *
 * @param random whether the seed was drawn for this run, so the replay hint must be printed
 */
record DifferentialSettings(long seed, boolean random, int queries) {
    static final String SEED_PROPERTY = "shardkit.diff.seed";
    static final String QUERIES_PROPERTY = "shardkit.diff.queries";
    static final long DEFAULT_SEED = 20261121L;
    static final int DEFAULT_QUERIES = 3000;

    static DifferentialSettings fromSystemProperties() {
        // Seeds below 10^12 are easy to read off a CI log and type back in.
        return parse(System.getProperty(SEED_PROPERTY), System.getProperty(QUERIES_PROPERTY),
                () -> ThreadLocalRandom.current().nextLong(1, 1_000_000_000_000L));
    }

    static DifferentialSettings parse(String seed, String queries, LongSupplier randomSeeds) {
        int count = DEFAULT_QUERIES;
        if (queries != null && !queries.isBlank()) {
            try {
                count = Integer.parseInt(queries.strip());
            } catch (NumberFormatException e) {
                count = 0;
            }
            if (count < 1) {
                throw new IllegalArgumentException(QUERIES_PROPERTY + " must be a whole number of at least 1, was '" + queries + "'");
            }
        }
        if (seed == null || seed.isBlank()) return new DifferentialSettings(DEFAULT_SEED, false, count);
        if (seed.strip().equalsIgnoreCase("random")) return new DifferentialSettings(randomSeeds.getAsLong(), true, count);
        try {
            return new DifferentialSettings(Long.parseLong(seed.strip()), false, count);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(SEED_PROPERTY + " must be a whole number or 'random', was '" + seed + "'");
        }
    }

    /** E.g. {@code seed 42 (random; replay with -Dshardkit.diff.seed=42), 1000 queries}. */
    String describe() {
        return "seed " + seed + (random ? " (random; replay with -D" + SEED_PROPERTY + "=" + seed + ")" : "")
                + ", " + queries + " queries";
    }
}
