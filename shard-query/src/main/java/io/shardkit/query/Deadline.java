package io.shardkit.query;

import java.time.Duration;

/** The start of a fan-out and the time every shard has from then. */
record Deadline(long startNanos, Duration timeout) {

    static Deadline startingNow(Duration timeout) {
        return new Deadline(System.nanoTime(), timeout);
    }

    long remainingNanos() {
        return startNanos + timeout.toNanos() - System.nanoTime();
    }

    Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
