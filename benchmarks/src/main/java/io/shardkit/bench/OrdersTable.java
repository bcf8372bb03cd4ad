package io.shardkit.bench;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.table;

import java.math.BigDecimal;
import org.jooq.Configuration;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Record4;
import org.jooq.Table;
import org.jooq.conf.ParamCastMode;
import org.jooq.conf.RenderQuotedNames;
import org.jooq.conf.Settings;
import org.jooq.impl.DefaultConfiguration;
import org.jooq.impl.SQLDataType;

/**
 * The benchmark's table and the queries every jOOQ-based system runs through its own {@link DSLContext}: one jOOQ
 * {@link Configuration} and one query builder for all, so each system sends the same SQL
 * ({@code select id, customer_id, status, total from orders where customer_id = ?}).
 */
final class OrdersTable {
    static final Table<Record> ORDERS = table(name("orders"));
    static final Field<Long> ID = field(name("id"), SQLDataType.BIGINT.notNull());
    static final Field<Long> CUSTOMER_ID = field(name("customer_id"), SQLDataType.BIGINT.notNull());
    static final Field<String> STATUS = field(name("status"), SQLDataType.VARCHAR(16));
    static final Field<BigDecimal> TOTAL = field(name("total"), SQLDataType.DECIMAL(12, 2));

    /** Plain DDL valid on H2 and PostgreSQL and parsed by ShardingSphere (MySQL grammar for H2), which rewrites it per actual table. */
    static final String CREATE_TABLE =
            "create table orders (id bigint primary key, customer_id bigint not null, status varchar(16), total decimal(12,2))";
    /** The point query reads by customer_id, not by the primary key: without this index each read would scan its shard. */
    static final String CREATE_INDEX = "create index orders_by_customer on orders (customer_id)";

    static final String STATUS_NEW = "NEW";
    static final BigDecimal TOTAL_NEW = new BigDecimal("19.99");

    private OrdersTable() {
    }

    /**
     * The base of every system's contexts. Names render unquoted (Shardkit's default, so H2 folds case as in plain
     * SQL), and binds are never cast: ShardingSphere must see {@code customer_id = ?}, not {@code = cast(? as bigint)},
     * to route; the other systems get the same setting so the SQL stays identical.
     */
    static Configuration configuration() {
        return new DefaultConfiguration().set(new Settings()
                .withRenderQuotedNames(RenderQuotedNames.EXPLICIT_DEFAULT_UNQUOTED)
                .withParamCastMode(ParamCastMode.NEVER));
    }

    static void createTable(DSLContext dsl) {
        dsl.execute(CREATE_TABLE);
        dsl.execute(CREATE_INDEX);
    }

    static Order find(DSLContext dsl, long customerId) {
        Record4<Long, Long, String, BigDecimal> r = dsl.select(ID, CUSTOMER_ID, STATUS, TOTAL)
                .from(ORDERS)
                .where(CUSTOMER_ID.eq(customerId))
                .fetchOne();
        return r == null ? null : new Order(r.value1(), r.value2(), r.value3(), r.value4());
    }

    static void insert(DSLContext dsl, long id, long customerId) {
        dsl.insertInto(ORDERS, ID, CUSTOMER_ID, STATUS, TOTAL)
                .values(id, customerId, STATUS_NEW, TOTAL_NEW)
                .execute();
    }

    static int deleteFrom(DSLContext dsl, long firstId) {
        return dsl.deleteFrom(ORDERS).where(ID.ge(firstId)).execute();
    }
}
