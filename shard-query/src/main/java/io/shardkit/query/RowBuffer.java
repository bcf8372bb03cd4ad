package io.shardkit.query;

import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.jooq.Record;

/**
 * The bounded hand-off between one shard's producer and the consumer of its stream. The producer blocks while
 * {@code capacity} rows wait, so a shard never reads further ahead of the merge than that. Waking is by signal, never
 * by interrupt: an interrupt could close the socket of a virtual thread blocked in the driver.
 */
final class RowBuffer {

    /** What a consumer's wait ended with. */
    enum Wake { ROW, END, GAVE_UP }

    private final int capacity;
    private final ArrayDeque<Record> rows;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private boolean finished; // guarded by lock: the producer adds nothing more
    private volatile boolean stopped; // the producer must stop: put returns false

    RowBuffer(int capacity) {
        this.capacity = capacity;
        this.rows = new ArrayDeque<>(capacity);
    }

    /** Blocks while the buffer is full; false once {@link #stop()} was called, and the row is not added. */
    boolean put(Record row) {
        lock.lock();
        try {
            while (rows.size() >= capacity && !stopped) {
                notFull.awaitUninterruptibly();
            }
            if (stopped) return false;
            rows.addLast(row);
            if (rows.size() == 1) notEmpty.signal(); // one consumer, and it waits only on an empty buffer
            return true;
        } finally {
            lock.unlock();
        }
    }

    boolean stopped() {
        return stopped;
    }

    /** The producer must stop; a producer blocked in {@link #put} returns false at once. */
    void stop() {
        lock.lock();
        try {
            stopped = true;
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The producer added its last row (or failed); the consumer gets {@link Wake#END} once the rows are taken. */
    void finish() {
        lock.lock();
        try {
            finished = true;
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Makes a waiting consumer re-check its give-up condition. */
    void wake() {
        lock.lock();
        try {
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until a row is there, the producer finished with nothing left, or {@code giveUp} holds; {@code giveUp} is
     * evaluated under the lock, so a caller that makes it true and then calls {@link #wake()} is never missed.
     */
    Wake await(BooleanSupplier giveUp) throws InterruptedException {
        lock.lock();
        try {
            while (true) {
                if (giveUp.getAsBoolean()) return Wake.GAVE_UP;
                if (!rows.isEmpty()) return Wake.ROW;
                if (finished) return Wake.END;
                notEmpty.await();
            }
        } finally {
            lock.unlock();
        }
    }

    /** The next row; call after {@link #await} returned {@link Wake#ROW}. */
    Record take() {
        lock.lock();
        try {
            Record row = rows.pollFirst();
            if (rows.size() == capacity - 1) notFull.signal();
            return row;
        } finally {
            lock.unlock();
        }
    }

    int size() {
        lock.lock();
        try {
            return rows.size();
        } finally {
            lock.unlock();
        }
    }

    /** {@code capacity} rows wait: the producer's next {@link #put} blocks until the consumer takes one. */
    boolean full() {
        lock.lock();
        try {
            return rows.size() >= capacity;
        } finally {
            lock.unlock();
        }
    }
}
