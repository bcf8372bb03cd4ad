package io.shardkit.cluster.atomic;

/** The steps of a commit across databases, in order, as an {@link AtomicListener} sees them. */
public enum AtomicStep {
    /** The decision row is inserted in the first-written database's open transaction; nothing is prepared yet. */
    DECISION_WRITTEN,
    /** One participant prepared its branch (called once per participant, from the thread that prepared it). */
    PREPARED,
    /** Every other participant prepared; the first-written database is about to commit. */
    ALL_PREPARED,
    /** The first-written database committed: the transaction is committed, whatever happens next. */
    DECIDED,
    /** One participant committed its prepared branch. */
    BRANCH_COMMITTED
}
