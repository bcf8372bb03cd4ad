package io.shardkit.samples.orders;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardkit.cluster.ShardCluster;
import io.shardkit.samples.orders.ServiceClient.Reply;
import io.shardkit.test.ReplicatedPostgres;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

/**
 * The {@code postgres} profile: embedded PostgreSQL with a streaming replica, started before the context. With the
 * replica's replay paused, a read without the token is stale and a read with the previous response's token sees
 * the write.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("postgres")
class OrdersServicePostgresTest {
    @LocalServerPort
    int port;
    @Autowired
    ShardCluster cluster;
    @Autowired
    ReplicatedPostgres embeddedPostgres;

    @Test
    void theNextRequestReadsItsWriteThroughTheTokenWhileTheReplicaLags() {
        ServiceClient service = new ServiceClient(port);
        long customer = 7;
        service.placeOrder(customer, "10.00", "PAID", null);
        embeddedPostgres.awaitReplayCaughtUp(Duration.ofSeconds(10));
        assertThat(service.get("/customers/" + customer + "/orders").json()).as("the replica has the first order").hasSize(1);

        embeddedPostgres.pauseReplay();
        try {
            Reply placed = service.placeOrder(customer, "19.99", "NEW", null);
            assertThat(placed.token()).as("a WAL position, not pending")
                    .matches(cluster.shardFor(customer) + "@[0-9A-F]+/[0-9A-F]+");

            assertThat(service.get("/customers/" + customer + "/orders").json())
                    .as("without the token: the stale replica").hasSize(1);
            Reply mine = service.get("/customers/" + customer + "/orders", placed.token());
            assertThat(mine.json()).as("with the token: its own write").hasSize(2);
            assertThat(mine.json().get(1).get("id")).isEqualTo(placed.json().get("id"));
        } finally {
            embeddedPostgres.resumeReplay();
        }
        embeddedPostgres.awaitReplayCaughtUp(Duration.ofSeconds(10));
        assertThat(service.get("/customers/" + customer + "/orders").json()).as("the replica caught up").hasSize(2);

        Reply health = service.get("/actuator/health");
        assertThat(health.json().get("components").get("shardkit").get("status").asString()).isEqualTo("UP");
        assertThat(service.get("/actuator/shardkit").json().get("shards").get(0).get("dialect").asString()).isEqualTo("POSTGRES");
    }
}
