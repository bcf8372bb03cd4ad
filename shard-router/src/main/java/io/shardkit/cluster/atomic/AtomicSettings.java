package io.shardkit.cluster.atomic;

import java.time.Duration;
import java.util.Objects;

/**
 * How atomic transactions settle and recover.
 *
 * @param lockWait    how long the probe's abort insert waits on a coordinator's decision row before it counts the
 *                    coordinator as still running
 * @param minimumAge  recovery leaves a prepared branch younger than this to its coordinator
 * @param lingerAfter a branch whose coordinator still runs after this long is reported as lingering
 * @param settleTime  how long a coordinator whose deciding COMMIT failed keeps asking for the outcome before it throws
 *                    {@link InDoubtException}
 * @param lockTimeout how long a statement of a transaction across databases waits for a row lock before it fails
 *                    (PostgreSQL's {@code lock_timeout}; zero: forever). Each database finds deadlocks among its own
 *                    transactions only: two transactions locking rows on two databases in opposite orders wait for
 *                    each other until this ends one (rolled back everywhere). Set once per participant, when the
 *                    transaction reaches a second database; work on one database is left as it is.
 */
public record AtomicSettings(Duration lockWait, Duration minimumAge, Duration lingerAfter, Duration settleTime,
                             Duration lockTimeout) {
    public static final AtomicSettings DEFAULTS = new AtomicSettings(Duration.ofMillis(200), Duration.ofSeconds(1),
            Duration.ofMinutes(1), Duration.ofSeconds(10), Duration.ofSeconds(5));

    /** With the default {@link #lockTimeout()}. */
    public AtomicSettings(Duration lockWait, Duration minimumAge, Duration lingerAfter, Duration settleTime) {
        this(lockWait, minimumAge, lingerAfter, settleTime, DEFAULTS_LOCK_TIMEOUT);
    }

    private static final Duration DEFAULTS_LOCK_TIMEOUT = Duration.ofSeconds(5);

    public AtomicSettings {
        for (Duration d : new Duration[] {lockWait, minimumAge, lingerAfter, settleTime, lockTimeout}) {
            Objects.requireNonNull(d, "durations of AtomicSettings");
            if (d.isNegative()) throw new IllegalArgumentException("AtomicSettings durations must not be negative: " + d);
        }
        if (lockWait.isZero()) throw new IllegalArgumentException("AtomicSettings.lockWait must be positive");
    }

    public AtomicSettings withMinimumAge(Duration age) {
        return new AtomicSettings(lockWait, age, lingerAfter, settleTime, lockTimeout);
    }

    public AtomicSettings withLockWait(Duration wait) {
        return new AtomicSettings(wait, minimumAge, lingerAfter, settleTime, lockTimeout);
    }

    public AtomicSettings withLockTimeout(Duration timeout) {
        return new AtomicSettings(lockWait, minimumAge, lingerAfter, settleTime, timeout);
    }
}
