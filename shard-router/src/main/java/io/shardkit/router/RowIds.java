package io.shardkit.router;

import java.time.Instant;
import java.util.Objects;

/**
 * Reads and writes the fields of the 64-bit ids made by {@link RowIdGenerator}. The layout, from the most
 * significant bit, is Instagram's:
 *
 * <pre>
 *  63                                      23 22          10 9        0
 * +------------------------------------------+--------------+----------+
 * | milliseconds since the epoch (41 bits)   | shard (13)   | seq (10) |
 * +------------------------------------------+--------------+----------+
 * </pre>
 *
 * <p>The timestamp fills all 41 top bits, sign bit included: ids are positive {@code long}s for the first
 * 2<sup>40</sup> ms (about 34.8 years) after the epoch and negative after that, up to 2<sup>41</sup>&nbsp;−&nbsp;1 ms
 * (about 69.7 years). Compare ids with {@link Long#compareUnsigned} if they may span that point; every reader here
 * uses unsigned shifts, so any {@code long} decodes.
 *
 * <p>This layout is a stored contract: ids live in databases and route rows, so it never changes.
 */
public final class RowIds {

    /** Bits of sequence within one millisecond and shard. */
    public static final int SEQUENCE_BITS = 10;
    /** Bits of logical shard number. */
    public static final int SHARD_BITS = 13;
    /** Bits of milliseconds since the epoch. */
    public static final int TIMESTAMP_BITS = 41;

    /** The highest shard number an id can carry: 8191. */
    public static final int MAX_SHARD_NUMBER = (1 << SHARD_BITS) - 1;
    /** The highest sequence within one millisecond and shard: 1023. */
    public static final int MAX_SEQUENCE = (1 << SEQUENCE_BITS) - 1;
    /** The last millisecond after the epoch an id can hold: 2<sup>41</sup> − 1 (about 69.7 years). */
    public static final long MAX_MILLIS = (1L << TIMESTAMP_BITS) - 1;

    static final int SHARD_SHIFT = SEQUENCE_BITS;
    static final int TIMESTAMP_SHIFT = SEQUENCE_BITS + SHARD_BITS;

    private RowIds() {
    }

    /** The logical shard number (0..8191) an id carries. */
    public static int shardOf(long id) {
        return (int) (id >>> SHARD_SHIFT) & MAX_SHARD_NUMBER;
    }

    /** The sequence (0..1023) of an id within its millisecond and shard. */
    public static int sequenceOf(long id) {
        return (int) id & MAX_SEQUENCE;
    }

    /** Milliseconds from the epoch to the id's creation (0..2<sup>41</sup> − 1). */
    public static long millisOf(long id) {
        return id >>> TIMESTAMP_SHIFT;
    }

    /** When the id was made, given the epoch of the generator that made it. */
    public static Instant timestampOf(long id, Instant epoch) {
        Objects.requireNonNull(epoch, "epoch");
        return epoch.plusMillis(millisOf(id));
    }

    /**
     * The id with these fields, e.g. the lowest id of a millisecond ({@code compose(ms, shard, 0)}) as a bound for
     * a range query. Throws {@link ShardException} ({@link ShardException.Code#KEY}) naming a field out of range.
     */
    public static long compose(long millisSinceEpoch, int shardNumber, int sequence) {
        if (millisSinceEpoch < 0 || millisSinceEpoch > MAX_MILLIS) {
            throw new ShardException(ShardException.Code.KEY, "milliseconds since the epoch " + millisSinceEpoch
                    + " is outside 0.." + MAX_MILLIS + " — ids hold " + TIMESTAMP_BITS + " bits of time");
        }
        checkShardNumber(shardNumber);
        if (sequence < 0 || sequence > MAX_SEQUENCE) {
            throw new ShardException(ShardException.Code.KEY, "sequence " + sequence + " is outside 0.."
                    + MAX_SEQUENCE + " — ids hold " + SEQUENCE_BITS + " bits of sequence");
        }
        return pack(millisSinceEpoch, shardNumber, sequence);
    }

    static long pack(long millisSinceEpoch, int shardNumber, long sequence) {
        return millisSinceEpoch << TIMESTAMP_SHIFT | (long) shardNumber << SHARD_SHIFT | sequence;
    }

    static void checkShardNumber(int shardNumber) {
        if (shardNumber < 0 || shardNumber > MAX_SHARD_NUMBER) {
            throw new ShardException(ShardException.Code.KEY, "shard number " + shardNumber + " is outside 0.."
                    + MAX_SHARD_NUMBER + " — ids hold " + SHARD_BITS + " bits of shard number; map the shard to a"
                    + " number in that range");
        }
    }
}
