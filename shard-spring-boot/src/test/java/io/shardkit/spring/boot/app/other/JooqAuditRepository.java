package io.shardkit.spring.boot.app.other;

import org.jooq.DSLContext;

public class JooqAuditRepository implements AuditRepository {
    private final DSLContext dsl;

    public JooqAuditRepository(DSLContext dsl) {
        this.dsl = dsl;
    }

    @Override
    public int count(long customerId) {
        return dsl.fetchCount(org.jooq.impl.DSL.table("orders"));
    }
}
