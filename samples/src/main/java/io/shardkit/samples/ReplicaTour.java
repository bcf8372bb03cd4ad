package io.shardkit.samples;

import io.shardkit.cluster.ConsistencyToken;
import io.shardkit.cluster.ShardCluster;
import io.shardkit.cluster.ShardSession;
import io.shardkit.router.RowIdGenerator;
import io.shardkit.router.ShardId;
import io.shardkit.samples.Orders.Order;
import io.shardkit.test.ReplicatedPostgres;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;

/** The replica part of the sample: shown on replicated PostgreSQL, explained elsewhere. */
interface ReplicaTour {
    void show(ShardCluster cluster, RowIdGenerator ids, List<ShardId> shardNumbers, PrintStream out);

    ReplicaTour NONE = (cluster, ids, shardNumbers, out) -> out.println(
            "\nRead replicas and read-your-writes need PostgreSQL streaming replication, and atomic transactions across"
                    + " databases PostgreSQL's two-phase commit: run the sample with -Dsample.engine=postgres to see them.");

    /** Pauses replay on the replicas so that a stale read is visible, then shows what read-your-writes does about it. */
    static ReplicaTour on(ReplicatedPostgres pg) {
        return (cluster, ids, shardNumbers, out) -> {
            long customer = 7;
            OrderRepository plain = cluster.repository(OrderRepository.class, JooqOrderRepository::new);
            pg.awaitReplayCaughtUp(Duration.ofSeconds(10));
            out.printf("%nRead replicas and read-your-writes (customer %d on %s):%n", customer, cluster.shardFor(customer));
            out.printf("  @ReadOnly read from the replica:                 %d orders%n", plain.ofCustomer(customer).size());

            pg.pauseReplay(); // the replicas stop applying WAL: from here on they are stale
            ShardSession session = cluster.session();
            OrderRepository mine = session.repository(OrderRepository.class);
            mine.save(new Order(ids.next(shardNumbers.indexOf(cluster.shardFor(customer))), customer, "NEW",
                    new BigDecimal("19.99"), LocalDateTime.of(2026, 11, 21, 12, 0)));
            out.printf("  after a new order, replica replay paused:%n");
            out.printf("    plain @ReadOnly read (stale replica):          %d orders%n", plain.ofCustomer(customer).size());
            out.printf("    the writing session's read (read-your-writes): %d orders%n", mine.ofCustomer(customer).size());
            ConsistencyToken token = session.token();
            out.printf("    its consistency token, for the next request:   %s%n", token);

            pg.resumeReplay();
            pg.awaitReplayCaughtUp(Duration.ofSeconds(10));
            OrderRepository next = cluster.session(ConsistencyToken.parse(token.toString())).repository(OrderRepository.class);
            out.printf("  replay resumed; the next request reads the replica again: %d orders%n", next.ofCustomer(customer).size());
        };
    }
}
