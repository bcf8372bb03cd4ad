package io.shardkit.router;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Makes 64-bit ids that carry their logical shard number, Instagram style (layout in {@link RowIds}), so that
 * {@link EmbeddedShardStrategy} can route a row by its id alone. Thread-safe: each shard number has its own
 * packed state, updated by compare-and-set, so threads working for different shard numbers never wait for
 * each other.
 *
 * <p>What one generator guarantees:
 * <ul>
 * <li>no id is returned twice, whatever the clock does: it waits or throws instead;</li>
 * <li>for one shard number, ids strictly increase in the order the calls take effect (an id returned before a
 *     call starts is below that call's id), as unsigned numbers — and as signed {@code long}s until 2<sup>40</sup>
 *     ms after the epoch (2060-11-03 with the default epoch), after which ids are negative;</li>
 * <li>across shard numbers, ids are ordered by millisecond only: within one millisecond a higher shard number
 *     sorts higher.</li>
 * </ul>
 * At most 1,024 ids per millisecond per shard number: the 1,025th waits for the next millisecond. When the clock
 * steps back, calls for a shard number that issued ids in the clock's "future" wait for it to catch up, for at most
 * {@code maxClockBackwardWait}, and otherwise throw {@link ShardException.Code#CLOCK}.
 *
 * <p>What it cannot guarantee: uniqueness between generators. Two generators (in one process or many) issuing ids
 * for the same shard number in the same millisecond repeat ids, and a new generator does not know the ids of the
 * one it replaces. Give each shard number a single issuing generator at a time.
 */
public final class RowIdGenerator {

    /** The default epoch: 2026-01-01T00:00:00Z. Ids can be made until 2095-09-07T15:47:35.551Z. */
    public static final Instant DEFAULT_EPOCH = Instant.parse("2026-01-01T00:00:00Z");
    /** The default {@code maxClockBackwardWait}: one second, enough to ride out a repeated leap second. */
    public static final Duration DEFAULT_MAX_CLOCK_BACKWARD_WAIT = Duration.ofSeconds(1);
    /** The longest {@code maxClockBackwardWait} accepted: a caller blocked longer is better served by an error. */
    public static final Duration MAX_CLOCK_BACKWARD_WAIT = Duration.ofMinutes(1);

    // Slot state: (millisSinceEpoch << SEQUENCE_BITS) | sequence of the last id issued for that shard number.
    private static final long NEVER = -1;
    private static final int SPINS_BEFORE_PARKING = 100;
    // Well under a millisecond, so waiting for the next one costs little beyond the millisecond itself.
    private static final long PARK_NANOS = 50_000;

    private final Instant epoch;
    private final long epochMillis;
    private final InstantSource clock;
    private final Duration maxClockBackwardWait;
    private final long maxBackMillis;
    private final long maxBackNanos;
    private final AtomicLongArray slots = new AtomicLongArray(RowIds.MAX_SHARD_NUMBER + 1);

    private RowIdGenerator(Builder b) {
        this.epoch = b.epoch;
        this.epochMillis = b.epoch.toEpochMilli();
        this.clock = b.clock;
        this.maxClockBackwardWait = b.maxClockBackwardWait;
        this.maxBackMillis = b.maxClockBackwardWait.toMillis();
        this.maxBackNanos = b.maxClockBackwardWait.toNanos();
        for (int i = 0; i < slots.length(); i++) {
            slots.set(i, NEVER);
        }
    }

    /** A generator's settings: epoch (default 2026-01-01) and how long to wait for a clock that stepped back. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A new id carrying {@code shardNumber} (0..8191). May wait: for the next millisecond after 1,024 ids in
     * one, or for a clock that stepped back by at most {@code maxClockBackwardWait}.
     *
     * @throws ShardException {@link ShardException.Code#KEY} for a shard number outside 0..8191;
     *                        {@link ShardException.Code#CLOCK} when the clock stepped back too far, did not catch up
     *                        in time, reads before the epoch or past the 41-bit range, or the thread is interrupted
     *                        while waiting (its interrupt status is kept)
     */
    public long next(int shardNumber) {
        RowIds.checkShardNumber(shardNumber);
        long deadline = 0;
        boolean behind = false;
        for (int attempt = 0; ; attempt++) {
            // The slot is read before the clock: an id another thread issued is then from a clock reading no later
            // than ours, so "now < last" means the clock really went back, not that this thread was slow.
            long last = slots.get(shardNumber);
            long now = millisSinceEpoch();
            long lastMillis = last >>> RowIds.SEQUENCE_BITS;
            long next;
            if (last == NEVER || now > lastMillis) {
                next = now << RowIds.SEQUENCE_BITS;
            } else if (now == lastMillis && (last & RowIds.MAX_SEQUENCE) < RowIds.MAX_SEQUENCE) {
                next = last + 1;
            } else {
                if (now < lastMillis) {
                    long back = lastMillis - now;
                    if (back > maxBackMillis) {
                        throw clockBack(shardNumber, now, lastMillis, " — more than maxClockBackwardWait ("
                                + maxBackMillis + " ms), so no id was issued and none repeats; fix the host's time"
                                + " sync, or raise maxClockBackwardWait to wait out such steps");
                    }
                    if (!behind) {
                        behind = true;
                        deadline = System.nanoTime() + maxBackNanos;
                    } else if (System.nanoTime() - deadline > 0) {
                        throw clockBack(shardNumber, now, lastMillis, " and did not catch up within"
                                + " maxClockBackwardWait (" + maxBackMillis + " ms), so no id was issued and none"
                                + " repeats; check the host's time sync");
                    }
                }
                pause(attempt, shardNumber);
                continue;
            }
            if (slots.compareAndSet(shardNumber, last, next)) {
                return RowIds.pack(next >>> RowIds.SEQUENCE_BITS, shardNumber, next & RowIds.MAX_SEQUENCE);
            }
        }
    }

    /** When an id of this generator was made. */
    public Instant timestampOf(long id) {
        return RowIds.timestampOf(id, epoch);
    }

    public Instant epoch() {
        return epoch;
    }

    public Duration maxClockBackwardWait() {
        return maxClockBackwardWait;
    }

    @Override
    public String toString() {
        return "RowIdGenerator[epoch=" + epoch + ", maxClockBackwardWait=" + maxBackMillis + " ms]";
    }

    private long millisSinceEpoch() {
        long nowMillis = clock.millis();
        long since = nowMillis - epochMillis;
        if (since < 0) {
            throw new ShardException(ShardException.Code.CLOCK, "the clock reads " + Instant.ofEpochMilli(nowMillis)
                    + ", before the id epoch " + epoch + " — ids count milliseconds from the epoch; fix the clock, or"
                    + " build the generator with an earlier epoch");
        }
        if (since > RowIds.MAX_MILLIS) {
            throw new ShardException(ShardException.Code.CLOCK, "the clock reads " + Instant.ofEpochMilli(nowMillis)
                    + ", past " + epoch.plusMillis(RowIds.MAX_MILLIS) + ", the last millisecond a 41-bit timestamp"
                    + " from the epoch " + epoch + " can hold — no id can be issued; check the clock");
        }
        return since;
    }

    private ShardException clockBack(int shardNumber, long now, long lastMillis, String rest) {
        return new ShardException(ShardException.Code.CLOCK, "the clock went back " + (lastMillis - now)
                + " ms (it reads " + epoch.plusMillis(now) + "; shard number " + shardNumber
                + " already has an id from " + epoch.plusMillis(lastMillis) + ")" + rest);
    }

    private static void pause(int attempt, int shardNumber) {
        if (attempt < SPINS_BEFORE_PARKING) {
            Thread.onSpinWait();
            return;
        }
        LockSupport.parkNanos(PARK_NANOS);
        // parkNanos returns at once for an interrupted thread, which would turn the wait into a busy loop
        if (Thread.currentThread().isInterrupted()) {
            throw new ShardException(ShardException.Code.CLOCK, "interrupted while waiting for the clock to issue an"
                    + " id for shard number " + shardNumber + " — no id was issued; the interrupt status is kept");
        }
    }

    /** Configures a {@link RowIdGenerator}; every setting has a default. */
    public static final class Builder {
        private Instant epoch = DEFAULT_EPOCH;
        private InstantSource clock = InstantSource.system();
        private Duration maxClockBackwardWait = DEFAULT_MAX_CLOCK_BACKWARD_WAIT;

        private Builder() {
        }

        /**
         * Time zero of the ids' 41-bit timestamp, in whole milliseconds (default {@link #DEFAULT_EPOCH}). Ids
         * from generators with different epochs are not comparable: fix it once, before the first id is stored.
         */
        public Builder epoch(Instant epoch) {
            this.epoch = Objects.requireNonNull(epoch, "epoch");
            return this;
        }

        /** Where time comes from (default {@link InstantSource#system()}); only {@code millis()} is read. */
        public Builder clock(InstantSource clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * How long {@link #next} may wait for a clock that stepped back (default one second, at most one minute);
         * a larger step throws at once. {@link Duration#ZERO} never waits.
         */
        public Builder maxClockBackwardWait(Duration maxClockBackwardWait) {
            this.maxClockBackwardWait = Objects.requireNonNull(maxClockBackwardWait, "maxClockBackwardWait");
            return this;
        }

        /** The generator; throws {@link ShardException} ({@link ShardException.Code#CONFIG}) naming a bad setting. */
        public RowIdGenerator build() {
            if (epoch.isBefore(Instant.EPOCH)) {
                throw config("epoch " + epoch + " is before 1970-01-01T00:00:00Z — choose an epoch shortly before"
                        + " the first id, e.g. " + DEFAULT_EPOCH);
            }
            if (epoch.getNano() % 1_000_000 != 0) {
                throw config("epoch " + epoch + " has a fraction of a millisecond — ids count whole milliseconds;"
                        + " use an epoch in whole milliseconds, e.g. " + DEFAULT_EPOCH);
            }
            try {
                epoch.toEpochMilli();
            } catch (ArithmeticException e) {
                throw config("epoch " + epoch + " is too far in the future to count in milliseconds — choose an"
                        + " epoch shortly before the first id, e.g. " + DEFAULT_EPOCH);
            }
            if (maxClockBackwardWait.isNegative() || maxClockBackwardWait.compareTo(MAX_CLOCK_BACKWARD_WAIT) > 0) {
                throw config("maxClockBackwardWait " + maxClockBackwardWait + " is outside PT0S..PT1M — use"
                        + " Duration.ZERO to never wait, or up to one minute");
            }
            return new RowIdGenerator(this);
        }

        private static ShardException config(String message) {
            return new ShardException(ShardException.Code.CONFIG, message);
        }
    }
}
