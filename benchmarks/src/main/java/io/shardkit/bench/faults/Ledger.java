package io.shardkit.bench.faults;

/**
 * What the database must hold for one row, as its caller saw it: inserted and acknowledged (or not known), and how
 * many of its updates were acknowledged and how many failed without an answer (applied or not: the suite cannot
 * tell). Each row is written by one caller only, so the counts need no lock; they are read after the callers ended.
 */
final class Ledger {
    final long id;
    final long customer;
    final int shard;
    /** The insert returned: the row must exist. False: it failed, and may exist or not. */
    final boolean insertAcknowledged;
    int updatesAcknowledged;
    int updatesUnknown;

    Ledger(long id, long customer, int shard, boolean insertAcknowledged) {
        this.id = id;
        this.customer = customer;
        this.shard = shard;
        this.insertAcknowledged = insertAcknowledged;
    }

    /** The lowest version the row may have: 1 for the insert, one more per acknowledged update. */
    int lowestVersion() {
        return 1 + updatesAcknowledged;
    }

    /** The highest: every update whose answer was lost applied as well. */
    int highestVersion() {
        return 1 + updatesAcknowledged + updatesUnknown;
    }
}
