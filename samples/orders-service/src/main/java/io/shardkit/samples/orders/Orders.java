package io.shardkit.samples.orders;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.table;

import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.util.List;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.SQLDataType;

/**
 * The service's one table and its row type (as in the samples module); the table's definition is
 * {@code db/migration/V1__orders.sql}, applied to every shard by the starter at start-up.
 */
public final class Orders {
    public static final Table<Record> ORDERS = table(name("orders"));
    public static final Field<Long> ID = field(name("id"), SQLDataType.BIGINT.notNull());
    public static final Field<Long> CUSTOMER_ID = field(name("customer_id"), SQLDataType.BIGINT.notNull());
    public static final Field<String> STATUS = field(name("status"), SQLDataType.VARCHAR(16).notNull());
    public static final Field<BigDecimal> TOTAL = field(name("total"), SQLDataType.DECIMAL(12, 2).notNull());
    public static final Field<LocalDateTime> CREATED_AT = field(name("created_at"), SQLDataType.LOCALDATETIME.notNull());

    /** The statuses an order can have. */
    public static final List<String> STATUSES = List.of("NEW", "PAID", "SHIPPED", "CANCELLED");

    /** One order as the service stores it. */
    public record Order(long id, long customerId, String status, BigDecimal total, LocalDateTime createdAt) {
    }

    private Orders() {
    }
}
