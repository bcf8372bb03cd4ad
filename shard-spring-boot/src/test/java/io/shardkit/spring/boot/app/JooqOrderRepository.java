package io.shardkit.spring.boot.app;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.table;

import java.util.List;
import org.jooq.DSLContext;

public class JooqOrderRepository implements OrderRepository {
    private final DSLContext dsl;

    public JooqOrderRepository(DSLContext dsl) {
        this.dsl = dsl;
    }

    @Override
    public void save(long customerId, String item) {
        dsl.insertInto(table("orders"), field("customer_id"), field("item")).values(customerId, item).execute();
    }

    @Override
    public List<String> items(long customerId) {
        return dsl.select(field("item", String.class)).from(table("orders")).where(field("customer_id").eq(customerId))
                .orderBy(field("item")).fetch(0, String.class);
    }
}
