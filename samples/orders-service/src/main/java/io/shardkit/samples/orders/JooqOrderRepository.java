package io.shardkit.samples.orders;

import static io.shardkit.samples.orders.Orders.CREATED_AT;
import static io.shardkit.samples.orders.Orders.CUSTOMER_ID;
import static io.shardkit.samples.orders.Orders.ID;
import static io.shardkit.samples.orders.Orders.ORDERS;
import static io.shardkit.samples.orders.Orders.STATUS;
import static io.shardkit.samples.orders.Orders.TOTAL;

import io.shardkit.samples.orders.Orders.Order;
import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.Record5;

/** Plain jOOQ against one shard's {@link DSLContext}: nothing in it knows about sharding. */
public final class JooqOrderRepository implements OrderRepository {
    private final DSLContext dsl;

    public JooqOrderRepository(DSLContext dsl) {
        this.dsl = dsl;
    }

    @Override
    public Optional<Order> find(long customerId, long orderId) {
        return dsl.select(ID, CUSTOMER_ID, STATUS, TOTAL, CREATED_AT).from(ORDERS)
                .where(CUSTOMER_ID.eq(customerId).and(ID.eq(orderId)))
                .fetchOptional(JooqOrderRepository::order);
    }

    @Override
    public void save(Order o) {
        dsl.insertInto(ORDERS, ID, CUSTOMER_ID, STATUS, TOTAL, CREATED_AT)
                .values(o.id(), o.customerId(), o.status(), o.total(), o.createdAt())
                .execute();
    }

    @Override
    public List<Order> ofCustomer(long customerId) {
        return dsl.select(ID, CUSTOMER_ID, STATUS, TOTAL, CREATED_AT).from(ORDERS)
                .where(CUSTOMER_ID.eq(customerId)).orderBy(ID)
                .fetch(JooqOrderRepository::order);
    }

    private static Order order(Record5<Long, Long, String, BigDecimal, LocalDateTime> r) {
        return new Order(r.value1(), r.value2(), r.value3(), r.value4(), r.value5());
    }
}
