package io.shardkit.samples.orders;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The service as a client sees it: real HTTP on the port it listens on, JSON read back as trees. */
final class ServiceClient {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    ServiceClient(int port) {
        this.base = "http://localhost:" + port;
    }

    /** A response: status, the consistency header (null when absent), the body as text and as JSON. */
    record Reply(int status, String token, String location, String body) {
        JsonNode json() {
            return JSON.readTree(body);
        }

        String detail() {
            return json().get("detail").asString();
        }
    }

    Reply get(String path) {
        return get(path, null);
    }

    Reply get(String path, String token) {
        return send(request(path, token).GET());
    }

    Reply post(String path, String jsonBody) {
        return post(path, jsonBody, null);
    }

    Reply post(String path, String jsonBody, String token) {
        return send(request(path, token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(jsonBody)));
    }

    /** Places an order and returns the reply, failing unless the service created it. */
    Reply placeOrder(long customerId, String amount, String status, String token) {
        Reply reply = post("/customers/" + customerId + "/orders",
                "{\"amount\": " + amount + ", \"status\": \"" + status + "\"}", token);
        if (reply.status() != 201) throw new AssertionError("order not created: " + reply);
        return reply;
    }

    private HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
        if (token != null) b.header(ConsistencyHeader.NAME, token);
        return b;
    }

    private Reply send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.headers().firstValue(ConsistencyHeader.NAME).orElse(null),
                    r.headers().firstValue("Location").orElse(null), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
