package io.shardkit.query;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

/** Checks on a shard's outcome that the fan-out tests share. */
final class OutcomeChecks {

    private OutcomeChecks() {
    }

    /** A lower bound only: the shard waited for something at least this long (its deadline, a sleep). */
    static void assertTookAtLeast(Duration least, QueryOutcome outcome, String what) {
        assertTrue(outcome.time().compareTo(least) >= 0, what + ", so at least " + least.toMillis() + " ms: " + outcome);
    }

    static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        return t;
    }
}
