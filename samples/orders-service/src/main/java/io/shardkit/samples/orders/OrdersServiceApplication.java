package io.shardkit.samples.orders;

import io.shardkit.cluster.ShardCluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;

/**
 * The orders service: Spring MVC on the Shardkit starter, on 4 embedded shards — H2 in memory by default,
 * embedded PostgreSQL with a streaming replica under the {@code postgres} profile ({@link EmbeddedPostgresShards}).
 * The cluster, the {@link OrderRepository} bean, migrations, health and {@code /actuator/shardkit} all come from the
 * starter and {@code application.yml}.
 */
@SpringBootApplication
public class OrdersServiceApplication {
    private static final Logger LOG = LoggerFactory.getLogger(OrdersServiceApplication.class);

    public static void main(String[] args) {
        SpringApplication.run(OrdersServiceApplication.class, args);
    }

    /** Says where the service listens and how to call it, once it answers. */
    @EventListener
    void ready(ApplicationReadyEvent event) {
        String port = event.getApplicationContext().getEnvironment().getProperty("local.server.port", "8080");
        ShardCluster cluster = event.getApplicationContext().getBean(ShardCluster.class);
        LOG.info("Orders service on http://localhost:{} ({}) — try: curl -i -X POST localhost:{}/customers/7/orders "
                + "-H 'Content-Type: application/json' -d '{\"amount\": 19.99, \"status\": \"NEW\"}'", port, cluster, port);
    }
}
