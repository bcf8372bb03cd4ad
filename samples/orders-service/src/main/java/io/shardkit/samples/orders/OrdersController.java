package io.shardkit.samples.orders;

import io.shardkit.cluster.ShardCluster;
import io.shardkit.cluster.ShardSession;
import io.shardkit.samples.orders.Orders.Order;
import java.net.URI;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A customer's orders, each request on the customer's shard. Every request runs in a {@link ShardSession} seeded
 * from the {@value ConsistencyHeader#NAME} header and answers with the session's token in the same header.
 */
@RestController
@RequestMapping("/customers/{customerId}/orders")
class OrdersController {
    private final ShardCluster cluster;
    private final OrderIds ids;
    private final Clock clock = Clock.systemUTC();

    /** Injecting the repository registers it with the cluster, which sessions then use. */
    OrdersController(ShardCluster cluster, OrderRepository repository, OrderIds ids) {
        this.cluster = cluster;
        this.ids = ids;
    }

    @PostMapping
    ResponseEntity<OrderView> place(@PathVariable long customerId, @RequestBody NewOrder body,
                                    @RequestHeader(name = ConsistencyHeader.NAME, required = false) String token) {
        checkCustomer(customerId);
        body.validate();
        ShardSession session = ConsistencyHeader.session(cluster, token);
        Order order = new Order(ids.next(customerId), customerId, body.status(), body.amount(),
                LocalDateTime.now(clock).truncatedTo(ChronoUnit.SECONDS));
        session.repository(OrderRepository.class).save(order);
        return ResponseEntity.created(URI.create("/customers/" + customerId + "/orders/" + order.id()))
                .header(ConsistencyHeader.NAME, session.token().toString())
                .body(OrderView.of(order, cluster));
    }

    /** The customer's orders, oldest first; an unknown customer has none. */
    @GetMapping
    ResponseEntity<List<OrderView>> list(@PathVariable long customerId,
                                         @RequestHeader(name = ConsistencyHeader.NAME, required = false) String token) {
        checkCustomer(customerId);
        ShardSession session = ConsistencyHeader.session(cluster, token);
        List<OrderView> orders = session.repository(OrderRepository.class).ofCustomer(customerId).stream()
                .map(o -> OrderView.of(o, cluster)).toList();
        return withToken(ResponseEntity.ok(), session, token).body(orders);
    }

    @GetMapping("/{orderId}")
    ResponseEntity<OrderView> one(@PathVariable long customerId, @PathVariable long orderId,
                                  @RequestHeader(name = ConsistencyHeader.NAME, required = false) String token) {
        checkCustomer(customerId);
        ShardSession session = ConsistencyHeader.session(cluster, token);
        return session.repository(OrderRepository.class).find(customerId, orderId)
                .map(o -> withToken(ResponseEntity.ok(), session, token).body(OrderView.of(o, cluster)))
                .orElseGet(() -> ResponseEntity.status(HttpStatus.NOT_FOUND).build());
    }

    /** A read hands the client's token back (as the session now holds it), so a client can keep sending one header. */
    private static ResponseEntity.BodyBuilder withToken(ResponseEntity.BodyBuilder response, ShardSession session, String token) {
        return token == null || token.isBlank() ? response : response.header(ConsistencyHeader.NAME, session.token().toString());
    }

    private static void checkCustomer(long customerId) {
        if (customerId <= 0) throw new BadRequestException("customer id must be a positive whole number, got " + customerId);
    }
}
