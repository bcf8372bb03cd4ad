package io.shardkit.bench.faults;

import static io.shardkit.bench.faults.FaultCluster.ID;
import static io.shardkit.bench.faults.FaultCluster.ORDERS;
import static io.shardkit.bench.faults.FaultCluster.VERSION;
import static org.jooq.impl.DSL.field;

import io.shardkit.cluster.ConsistencyToken;
import io.shardkit.cluster.ShardSession;
import io.shardkit.router.RowIdGenerator;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import org.jooq.Record2;

/**
 * One request caller: in a loop with a short pause between requests, a request for a random customer of its home shard — 30 % inserts, 20 % updates in
 * a transaction, 50 % reads of one of its own rows — each request in a session continuing from the token of its last
 * one, as a service passes it from request to request. Callers are spread evenly over the shards, so those of the
 * other shards show what a fault on one shard costs calls that never touch it (a caller of the faulty shard waiting
 * on it is a request of that shard, not a cost to the others). Every write it makes is in its {@link Ledger}s; a read that
 * misses one of its own acknowledged writes is a read-your-writes violation.
 */
final class Caller implements Runnable {
    /**
     * Between requests a caller waits 10–30 ms, as a service's requests arrive: without it 64 callers keep two cores
     * saturated and every latency is a queue for the CPU, not a property of the shards.
     */
    static final int THINK_MIN_MS = 10;
    static final int THINK_MAX_MS = 30;
    private static final org.jooq.Field<Boolean> ON_REPLICA = field("pg_is_in_recovery()", Boolean.class);

    final Samples samples = new Samples();
    final List<Ledger> rows = new ArrayList<>();
    /** Reads that returned an older version than the caller's acknowledged writes, or no row. */
    int staleReads;
    String firstStaleRead;

    private final FaultCluster c;
    private final long[] customers;
    private final int home;
    private final RowIdGenerator ids;
    private final long t0;
    private final BooleanSupplier running;
    private final SplittableRandom random;
    private final List<Ledger> readable = new ArrayList<>(); // inserted and acknowledged
    private ConsistencyToken token = ConsistencyToken.NONE;

    Caller(FaultCluster c, long[][] customers, int home, RowIdGenerator ids, long t0, BooleanSupplier running, long seed) {
        this.c = c;
        this.customers = customers[home];
        this.home = home;
        this.ids = ids;
        this.t0 = t0;
        this.running = running;
        this.random = new SplittableRandom(seed);
    }

    @Override
    public void run() {
        while (running.getAsBoolean()) {
            int dice = random.nextInt(100);
            if (dice < 30 || readable.isEmpty()) insert();
            else if (dice < 50) update(readable.get(random.nextInt(readable.size())));
            else read(readable.get(random.nextInt(readable.size())));
            Fault.sleep(random.nextInt(THINK_MIN_MS, THINK_MAX_MS + 1));
        }
    }

    private void insert() {
        int shard = home;
        long customer = customers[random.nextInt(customers.length)];
        long id = ids.next(shard);
        long start = System.nanoTime();
        ShardSession session = c.cluster.session(token);
        try {
            session.repository(OrderWrites.class).insert(customer, id, 100);
            record(start, OpKind.INSERT, shard, Outcome.OK, false);
            Ledger row = new Ledger(id, customer, shard, true);
            rows.add(row);
            readable.add(row);
        } catch (RuntimeException e) {
            failed(start, OpKind.INSERT, shard, e);
            rows.add(new Ledger(id, customer, shard, false)); // may have landed: its answer was lost
        }
        passOn(session, shard);
    }

    private void update(Ledger row) {
        long start = System.nanoTime();
        ShardSession session = c.cluster.session(token);
        try {
            int changed = session.inTransaction(row.customer, tx -> tx.repository(OrderWrites.class).bump(row.customer, row.id, 1));
            if (changed != 1) throw new IllegalStateException("row " + row.id + " not found by its update");
            record(start, OpKind.UPDATE, row.shard, Outcome.OK, false);
            row.updatesAcknowledged++;
        } catch (RuntimeException e) {
            failed(start, OpKind.UPDATE, row.shard, e);
            row.updatesUnknown++;
        }
        passOn(session, row.shard);
    }

    /**
     * The token the next request continues from: a call of its own (it reads the primary's WAL position after a
     * write). When it fails the next request continues from the last token, and reads the shard on its primary.
     */
    private void passOn(ShardSession session, int shard) {
        long start = System.nanoTime();
        try {
            token = session.token();
            record(start, OpKind.TOKEN, shard, Outcome.OK, false);
        } catch (RuntimeException e) {
            failed(start, OpKind.TOKEN, shard, e);
        }
    }

    private void read(Ledger row) {
        long start = System.nanoTime();
        ShardSession session = c.cluster.session(token);
        try {
            Record2<Integer, Boolean> r = session.readDsl(row.customer).select(VERSION, ON_REPLICA).from(ORDERS)
                    .where(ID.eq(row.id)).fetchOne();
            boolean replica = r != null && Boolean.TRUE.equals(r.value2());
            record(start, OpKind.READ, row.shard, Outcome.OK, replica);
            if (r == null || r.value1() < row.lowestVersion()) {
                staleReads++;
                if (firstStaleRead == null) {
                    firstStaleRead = "row " + row.id + " on shard " + row.shard + ": read " + (r == null ? "no row"
                            : "version " + r.value1() + (replica ? " on the replica" : " on the primary"))
                            + ", acknowledged version " + row.lowestVersion();
                }
            }
        } catch (RuntimeException e) {
            failed(start, OpKind.READ, row.shard, e);
        }
    }

    private void record(long start, OpKind kind, int shard, Outcome outcome, boolean replica) {
        long end = System.nanoTime();
        samples.add(start - t0, end - start, kind, shard, outcome, replica);
    }

    private void failed(long start, OpKind kind, int shard, RuntimeException e) {
        long took = System.nanoTime() - start;
        record(start, kind, shard, Outcome.of(e, c.shards.get(shard)), false);
        samples.error(e, kind, start - t0, took);
    }
}
