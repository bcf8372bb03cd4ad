package io.shardkit.move;

/** How a move keeps writes correct while it copies. */
public enum MoveMode {
    /**
     * PostgreSQL: logical replication copies the rows and then follows every change while writes go on; the fence
     * closes only for the last changes to arrive and the verify — the pause.
     */
    ONLINE,
    /** Any database: the fence closes first, then the rows are copied in key batches; the pause is the copy time. */
    BLOCK_WRITES
}
