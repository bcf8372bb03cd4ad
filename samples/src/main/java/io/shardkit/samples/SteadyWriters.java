package io.shardkit.samples;

import io.shardkit.cluster.Shard;
import io.shardkit.cluster.ShardCluster;
import io.shardkit.router.RowIdGenerator;
import io.shardkit.router.ShardId;
import io.shardkit.samples.Orders.Order;
import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A service's steady write load: virtual threads, each saving one order every {@code 1/rate} s through the order
 * repository of one of the instances, for random customers. It keeps a ledger of every order acknowledged (and
 * every failure, with its message), so the orders can be looked for afterwards where the cluster routes them.
 */
final class SteadyWriters {
    /** An order the service was told is saved: its customer, and so its logical shard. */
    private final Map<Long, Long> acknowledged = new ConcurrentHashMap<>(); // order id -> customer id
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final AtomicLong slowestNanos = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();
    private final RowIdGenerator ids = RowIdGenerator.builder().build();
    private final List<ShardId> shardNumbers;
    private final int customers;
    private volatile boolean stop; // a signal, not an interrupt: an interrupt can close a JDBC socket mid-write
    private long startedNanos;
    private long stoppedNanos;

    /** What was looked for and found: each acknowledged order once, on its customer's shard, and nothing else. */
    record Check(int acknowledged, int foundOnce, int missing, int duplicated, int misplaced, int unacknowledged) {
        boolean exact() {
            return foundOnce == acknowledged && missing == 0 && duplicated == 0 && misplaced == 0 && unacknowledged == 0;
        }
    }

    SteadyWriters(List<ShardId> shardNumbers, int customers) {
        this.shardNumbers = List.copyOf(shardNumbers);
        this.customers = customers;
    }

    /** Saves {@code count} orders of random customers through {@code cluster}, one statement per shard, before the load. */
    void preload(ShardCluster cluster, int count) {
        Map<ShardId, List<Order>> byShard = new HashMap<>();
        for (int i = 0; i < count; i++) {
            Order o = newOrder(cluster);
            byShard.computeIfAbsent(cluster.shardFor(o.customerId()), s -> new ArrayList<>()).add(o);
        }
        byShard.forEach((shard, orders) -> {
            var insert = cluster.dsl(shard).insertInto(Orders.ORDERS, Orders.ID, Orders.CUSTOMER_ID, Orders.STATUS,
                    Orders.TOTAL, Orders.CREATED_AT);
            for (Order o : orders) insert = insert.values(o.id(), o.customerId(), o.status(), o.total(), o.createdAt());
            insert.execute();
            orders.forEach(o -> acknowledged.put(o.id(), o.customerId()));
        });
    }

    /** Starts {@code perInstance} writers on each instance, each at {@code ratePerWriter} writes a second. */
    void start(List<ShardCluster> instances, int perInstance, int ratePerWriter) {
        startedNanos = System.nanoTime();
        for (ShardCluster cluster : instances) {
            OrderRepository orders = cluster.repository(OrderRepository.class, JooqOrderRepository::new);
            for (int w = 0; w < perInstance; w++) {
                threads.add(Thread.ofVirtual().name("writer-" + threads.size()).start(() -> write(cluster, orders, ratePerWriter)));
            }
        }
    }

    private void write(ShardCluster cluster, OrderRepository orders, int rate) {
        long period = 1_000_000_000L / rate;
        long next = System.nanoTime();
        while (!stop) {
            Order order = newOrder(cluster);
            long started = System.nanoTime();
            try {
                orders.save(order); // outside a transaction: a write stopped by a moving shard is retried once there
                acknowledged.put(order.id(), order.customerId());
            } catch (RuntimeException e) {
                failures.add("order " + order.id() + " of customer " + order.customerId() + " on "
                        + cluster.shardFor(order.customerId()) + ": " + e);
            }
            slowestNanos.accumulateAndGet(System.nanoTime() - started, Math::max);
            // a steady rate: a write that waited is not made up for by a burst
            next = Math.max(next + period, System.nanoTime());
            LockSupport.parkNanos(next - System.nanoTime());
        }
    }

    private Order newOrder(ShardCluster cluster) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long customer = 1 + random.nextLong(customers);
        return new Order(ids.next(shardNumbers.indexOf(cluster.shardFor(customer))), customer,
                OrdersSample.STATUSES[random.nextInt(OrdersSample.STATUSES.length)],
                BigDecimal.valueOf(random.nextLong(100, 100_000), 2), LocalDateTime.of(2026, 12, 1, 0, 0).plusSeconds(random.nextInt(86_400)));
    }

    /** Stops every writer after its write in flight. */
    void stop() throws InterruptedException {
        stop = true;
        for (Thread t : threads) t.join();
        stoppedNanos = System.nanoTime();
    }

    int acknowledgedCount() {
        return acknowledged.size();
    }

    List<String> failures() {
        return List.copyOf(failures);
    }

    long slowestMillis() {
        return slowestNanos.get() / 1_000_000;
    }

    double writesPerSecond(int preloaded) {
        return (acknowledged.size() + failures.size() - preloaded) * 1e9 / Math.max(1, stoppedNanos - startedNanos);
    }

    /**
     * Reads every logical shard where {@code cluster} places it now and looks for each acknowledged order: found once,
     * on the shard its customer routes to; any row that was never acknowledged is counted too.
     */
    Check check(ShardCluster cluster) {
        Map<Long, Integer> seen = new HashMap<>();
        int misplaced = 0;
        int unacknowledged = 0;
        for (Shard shard : cluster.shards()) {
            for (var row : cluster.dsl(shard.id()).select(Orders.ID, Orders.CUSTOMER_ID).from(Orders.ORDERS).fetch()) {
                Long customer = acknowledged.get(row.value1());
                if (customer == null) unacknowledged++;
                else if (!cluster.shardFor(customer).equals(shard.id())) misplaced++;
                seen.merge(row.value1(), 1, Integer::sum);
            }
        }
        int once = 0;
        int missing = 0;
        int duplicated = 0;
        for (Long id : acknowledged.keySet()) {
            int n = seen.getOrDefault(id, 0);
            if (n == 1) once++;
            else if (n == 0) missing++;
            else duplicated++;
        }
        return new Check(acknowledged.size(), once, missing, duplicated, misplaced, unacknowledged);
    }
}
