package io.shardkit.query;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Waiting for something to happen without betting on the machine's speed: poll until it holds, and fail, saying what
 * did not happen, only after a bound far beyond any run that works. Usable inside a shard's work: what goes wrong
 * while waiting (the condition throws, the thread is interrupted) is an {@link AssertionError}.
 */
final class Await {
    /** How long a condition that should hold in a moment is given before the test fails. */
    static final Duration GENEROUS = Duration.ofSeconds(30);

    private Await() {
    }

    interface Condition {
        boolean holds() throws Exception;
    }

    /** Returns once {@code condition} holds; fails with {@code what} (what was waited for) after {@link #GENEROUS}. */
    static void until(String what, Condition condition) {
        long end = System.nanoTime() + GENEROUS.toNanos();
        try {
            while (!condition.holds()) {
                if (System.nanoTime() - end > 0) fail("waited " + GENEROUS.toSeconds() + " s for: " + what);
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for: " + what, e);
        } catch (Exception e) {
            throw new AssertionError("could not check whether " + what + ": " + e, e);
        }
    }

    /**
     * Counts {@code latch} down and returns once all {@code parties} have; after {@link #GENEROUS} fails saying how
     * many had — for work that must run at the same time as the others'.
     */
    static void together(CountDownLatch latch, int parties, String who) {
        latch.countDown();
        try {
            if (!latch.await(GENEROUS.toMillis(), TimeUnit.MILLISECONDS)) {
                fail("only " + (parties - latch.getCount()) + " of " + parties + " " + who + " were running at once after "
                        + GENEROUS.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while " + (parties - latch.getCount()) + " of " + parties + " " + who
                    + " were running", e);
        }
    }
}
