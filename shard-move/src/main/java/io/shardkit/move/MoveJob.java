package io.shardkit.move;

import io.shardkit.move.MoveReport.Place;

/**
 * A move as the control database records it.
 *
 * @param version the topology version that placed the shard on {@code to}, once SWITCHED
 * @param owner   the mover holding the lease, or null
 * @param detail  the last step's note or error
 * @param tenant  a tenant move's key, as text ({@code shard} is where it lived); null when the whole shard moves
 * @param keyColumn a tenant move's shard-key column
 * @param toShard a tenant move's target shard (its place is {@code to})
 */
public record MoveJob(long id, String shard, Place from, Place to, MoveMode mode, State state, Long version,
                      String owner, String detail, String tenant, String keyColumn, String toShard) {
    /** What the job moves, for messages: "shard s3" or "tenant 42 of s3". */
    public String what() {
        return tenant == null ? "shard " + shard : "tenant " + tenant + " of " + shard;
    }

    /** The steps, in order; each is recorded when reached, so a resumed move starts where the last one stopped. */
    public enum State {
        /** Planned and checked; nothing created yet. */
        PLANNED,
        /** The fence is installed (open); rows are being copied (online: the subscription's initial copy). */
        COPYING,
        /** Online: copied; following the source's changes and comparing while writes go on. */
        CATCHING_UP,
        /** Compared and clean; the cutover comes next. */
        VERIFIED,
        /** The fence is closed; waiting for the last changes, then publishing the next topology version. */
        CUTTING_OVER,
        /** Published: the shard lives on {@code to}; the old place keeps its rows (behind the fence) until finish. */
        SWITCHED,
        /** The old place's rows are deleted. */
        FINISHED,
        /** Undone before SWITCHED: the fence open and gone, the target's copy deleted, the replication dropped. */
        CANCELLED;

        public boolean done() {
            return this == FINISHED || this == CANCELLED;
        }
    }
}
