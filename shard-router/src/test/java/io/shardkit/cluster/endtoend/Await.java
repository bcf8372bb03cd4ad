package io.shardkit.cluster.endtoend;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polling for what the background probe or the replica does next. */
final class Await {

    /** Only turns a hang into a failure; it measures nothing, so it is generous for a slow, loaded machine. */
    private static final Duration BOUND = Duration.ofSeconds(60);

    private Await() {
    }

    /** Polls {@code condition} until it holds. */
    static void until(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) throw new AssertionError("gave up waiting " + BOUND.toSeconds() + " s: " + what);
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting: " + what, e);
            }
        }
    }
}
