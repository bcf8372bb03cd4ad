package io.shardkit.samples.orders;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardkit.cluster.ShardCluster;
import io.shardkit.router.ShardId;
import io.shardkit.samples.orders.ServiceClient.Reply;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * The service on its default H2 shards, started on a random port and driven over real HTTP. Only the
 * top-customers test writes amounts of 100 and more, so its exact totals hold whatever the other tests wrote.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OrdersServiceTest {
    @LocalServerPort
    int port;
    @Autowired
    ShardCluster cluster;
    ServiceClient service;

    @BeforeEach
    void client() {
        service = new ServiceClient(port);
    }

    @Test
    void anOrderIsStoredOnItsCustomersShardAndReadBack() {
        Reply created = service.placeOrder(101, "12.50", "PAID", null);
        JsonNode order = created.json();
        String shard = cluster.shardFor(101L).value();
        assertThat(order.get("customerId").asLong()).isEqualTo(101);
        assertThat(order.get("amount").decimalValue()).isEqualByComparingTo("12.50");
        assertThat(order.get("status").asString()).isEqualTo("PAID");
        assertThat(order.get("shard").asString()).isEqualTo(shard);
        assertThat(created.location()).isEqualTo("/customers/101/orders/" + order.get("id").asLong());

        Reply list = service.get("/customers/101/orders");
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.json()).hasSize(1);
        assertThat(list.json().get(0)).isEqualTo(order);
        Reply one = service.get(created.location());
        assertThat(one.status()).isEqualTo(200);
        assertThat(one.json()).isEqualTo(order);
        assertThat(service.get("/customers/101/orders/1").status()).isEqualTo(404);
    }

    /**
     * On H2 there is no replica and no WAL position: the token marks each written shard {@code pending}, and a request
     * that sends it back reads those shards on their primaries. (OrdersServicePostgresTest proves it against a stale
     * replica.)
     */
    @Test
    void theConsistencyTokenOfOneRequestIsAcceptedByTheNext() {
        long first = 102;
        long second = customerOnAnotherShardThan(first);
        Reply one = service.placeOrder(first, "20.00", "NEW", null);
        assertThat(one.token()).isEqualTo(cluster.shardFor(first) + "@pending");

        Reply two = service.placeOrder(second, "21.00", "NEW", one.token()); // the token travels with the client
        Set<String> written = new TreeSet<>(List.of(cluster.shardFor(first).value(), cluster.shardFor(second).value()));
        assertThat(two.token()).isEqualTo(written.stream().map(s -> s + "@pending").collect(Collectors.joining(";")));

        Reply read = service.get("/customers/" + first + "/orders", two.token());
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.json()).hasSize(1);
        assertThat(read.json().get(0).get("id")).isEqualTo(one.json().get("id"));
        assertThat(read.token()).as("a read hands the token back").isEqualTo(two.token());
        assertThat(service.get("/customers/" + second + "/orders", two.token()).json()).hasSize(1);
        assertThat(service.get("/customers/" + first + "/orders").token()).as("no token asked, none given").isNull();
    }

    @Test
    void anUnknownCustomerHasNoOrders() {
        Reply reply = service.get("/customers/777777/orders");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body()).isEqualTo("[]");
    }

    @Test
    void badInputIsRefusedWithAMessageThatSaysWhatIsAllowed() {
        assertBadRequest(service.get("/customers/abc/orders"), "customer id must be a whole number, got 'abc'");
        assertBadRequest(service.get("/customers/99999999999999999999/orders"),
                "customer id must be a whole number, got '99999999999999999999'");
        assertBadRequest(service.get("/customers/0/orders"), "customer id must be a positive whole number, got 0");
        assertBadRequest(service.post("/customers/5/orders", "{\"amount\": 19.99, \"status\": "),
                "the body must be a JSON order like {\"amount\": 19.99, \"status\": \"NEW\"}: "
                        + "Unexpected end-of-input within/between Object entries");
        assertBadRequest(service.post("/customers/5/orders", "{\"amount\": \"lots\", \"status\": \"NEW\"}"),
                "the body must be a JSON order like {\"amount\": 19.99, \"status\": \"NEW\"}: "
                        + "Cannot deserialize value of type `java.math.BigDecimal` from String \"lots\": not a valid representation");
        assertBadRequest(service.post("/customers/5/orders", "{\"amount\": 1.999, \"status\": \"LOST\"}"),
                "amount has at most 2 decimals, got 1.999; status must be one of [NEW, PAID, SHIPPED, CANCELLED], got 'LOST'");
        assertBadRequest(service.post("/customers/5/orders", "{}"),
                "amount is required, e.g. {\"amount\": 19.99, \"status\": \"NEW\"}; "
                        + "status is required, one of [NEW, PAID, SHIPPED, CANCELLED]");
        assertBadRequest(service.post("/customers/5/orders", "{\"amount\": -3, \"status\": \"NEW\"}"),
                "amount must be positive, got -3");
        assertBadRequest(service.get("/customers/5/orders", "s0@yesterday"), "Shardkit-Consistency header: malformed "
                + "consistency token part 's0@yesterday' — expected shard@WAL-position like s0@0/3000148 or s0@pending, as"
                + " written by ConsistencyToken.toString() — send back the header of an earlier response unchanged, or none");
        assertBadRequest(service.get("/reports/top-customers?limit=0"), "limit must be between 1 and 100, got 0");
        assertBadRequest(service.get("/reports/top-customers?limit=ten"), "limit must be a whole number, got 'ten'");
        assertThat(service.get("/customers/5/orders").json()).as("nothing refused was stored").isEmpty();
    }

    /** Customers on several shards; the fan-out merges every shard's top groups into the exact top. */
    @Test
    void topCustomersAreMergedExactlyAcrossShards() {
        String[][] orders = {
                {"9001", "4000.00"}, {"9001", "250.25"},
                {"9002", "4250.25"},                                   // ties with 9001: the lower id first
                {"9003", "3999.99"},
                {"9004", "1500.00"}, {"9004", "1500.00"}, {"9004", "1000.01"},
                {"9005", "100.00"},
                {"9006", "3000.00"}};
        for (String[] o : orders) service.placeOrder(Long.parseLong(o[0]), o[1], "PAID", null);
        Set<ShardId> shardsOfTopThree = Stream.of(9001L, 9002L, 9004L).map(cluster::shardFor).collect(Collectors.toSet());
        assertThat(shardsOfTopThree).as("the top three live on several shards").hasSizeGreaterThan(1);

        JsonNode report = service.get("/reports/top-customers?limit=3").json();
        assertThat(rows(report)).containsExactly("9001 4250.25 2", "9002 4250.25 1", "9004 4000.01 3");
        assertThat(report.get("shards")).hasSize(4);
        for (JsonNode shard : report.get("shards")) assertThat(shard.get("status").asString()).isEqualTo("OK");

        assertThat(rows(service.get("/reports/top-customers").json()))
                .containsExactly("9001 4250.25 2", "9002 4250.25 1", "9004 4000.01 3", "9003 3999.99 1", "9006 3000.00 1");
    }

    @Test
    void healthIsUpWithEveryDatabase() {
        Reply health = service.get("/actuator/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().get("status").asString()).isEqualTo("UP");
        JsonNode databases = health.json().get("components").get("shardkit").get("components");
        assertThat(databases.propertyNames()).containsExactlyInAnyOrder("db0", "db1", "db2", "db3");
        for (JsonNode db : databases) assertThat(db.get("status").asString()).isEqualTo("UP");
    }

    @Test
    void metricsCountTheRequests() {
        service.get("/customers/3/orders");
        Reply names = service.get("/actuator/metrics");
        assertThat(names.status()).isEqualTo(200);
        assertThat(names.json().get("names").valueStream().map(JsonNode::asString)).contains("http.server.requests");
        JsonNode requests = service.get("/actuator/metrics/http.server.requests?tag=uri:/customers/%7BcustomerId%7D/orders").json();
        assertThat(requests.get("measurements").get(0).get("statistic").asString()).isEqualTo("COUNT");
        assertThat(requests.get("measurements").get(0).get("value").asDouble()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void theShardkitEndpointListsTheShardsAndTheirDatabases() {
        JsonNode shardkit = service.get("/actuator/shardkit").json();
        JsonNode databases = shardkit.get("databases");
        assertThat(databases.propertyNames()).containsExactly("db0", "db1", "db2", "db3");
        for (int i = 0; i < 4; i++) {
            assertThat(databases.get("db" + i).get("shards").get(0).asString()).isEqualTo("s" + i);
            assertThat(databases.get("db" + i).get("pool").get("maximumPoolSize").asInt()).isEqualTo(4);
        }
        List<String> shards = new ArrayList<>();
        for (JsonNode s : shardkit.get("shards")) {
            shards.add(s.get("id").asString() + " " + s.get("database").asString() + " " + s.get("dialect").asString()
                    + " " + s.get("schemaVersion").asString());
        }
        assertThat(shards).containsExactly("s0 db0 H2 V1", "s1 db1 H2 V1", "s2 db2 H2 V1", "s3 db3 H2 V1");
    }

    @Test
    void aCustomerWhoOrdersFarMoreThanTheOthersShowsAsTheHotKey() {
        for (int i = 0; i < 300; i++) service.get("/customers/777/orders");
        for (long c = 800; c < 830; c++) service.get("/customers/" + c + "/orders");
        JsonNode hot = service.get("/actuator/shardkit").json().get("hotKeys");
        assertThat(hot.get("enabled").asBoolean()).isTrue();
        assertThat(hot.get("top").get(0).get("key").asString()).isEqualTo("777");
        assertThat(hot.get("top").get(0).get("shard").get("value").asString()).isEqualTo(cluster.shardFor(777L).value());
        assertThat(hot.get("imbalance").asDouble()).isGreaterThan(1.0);
    }

    @Test
    void shardkitsMetersAreInTheActuatorsMetrics() {
        service.get("/customers/55/orders");
        JsonNode names = service.get("/actuator/metrics").json().get("names");
        List<String> all = new ArrayList<>();
        names.forEach(n -> all.add(n.asString()));
        assertThat(all).contains("shardkit.query", "shardkit.repository.invocations", "hikaricp.connections");
        JsonNode calls = service.get("/actuator/metrics/shardkit.repository.invocations").json();
        assertThat(calls.get("availableTags").toString()).contains("OrderRepository");
    }

    private long customerOnAnotherShardThan(long customer) {
        long other = customer + 1;
        while (cluster.shardFor(other).equals(cluster.shardFor(customer))) other++;
        return other;
    }

    private static List<String> rows(JsonNode report) {
        List<String> rows = new ArrayList<>();
        for (JsonNode c : report.get("customers")) {
            rows.add(c.get("customerId").asLong() + " " + c.get("spent").decimalValue().setScale(2) + " " + c.get("orders").asInt());
        }
        return rows;
    }

    private static void assertBadRequest(Reply reply, String detail) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(400);
        assertThat(reply.detail()).isEqualTo(detail);
    }
}
