package io.shardkit.cluster.atomic;

/**
 * Sees a commit across databases step by step: for tracing, and for tests that stop or kill the coordinator at a step.
 * It runs on the committing thread (or a branch's), inside the protocol: it must not throw, and whatever it waits for
 * delays the commit.
 */
@FunctionalInterface
public interface AtomicListener {
    AtomicListener NONE = (step, transaction, database) -> { };

    /**
     * @param database the participant the step is about, or the first-written database for the steps of the whole
     *                 transaction
     */
    void reached(AtomicStep step, String transaction, String database);
}
