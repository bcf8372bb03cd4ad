package io.shardkit.query.planner;

import static org.jooq.impl.DSL.count;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.select;
import static org.jooq.impl.DSL.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkit.query.UnsupportedFanOutException;
import java.util.Set;
import org.jooq.Field;
import org.jooq.Name;
import org.jooq.Record;
import org.jooq.Select;
import org.jooq.Table;
import org.jooq.impl.SQLDataType;
import org.jooq.impl.TableImpl;
import org.junit.jupiter.api.Test;

/** Which joins with reference tables the planner answers without assumeColocated(), and which it still refuses. */
class ReferenceJoinReaderTest {
    static final Set<String> REFERENCE = Set.of("currency", "COUNTRY");
    static final Table<Record> ORDERS = table(name("orders"));
    static final Table<Record> ITEMS = table(name("items"));
    static final Table<Record> CURRENCY = table(name("currency"));
    static final Table<Record> COUNTRY = table(name("country"));
    static final Field<String> O_CODE = field(name("orders", "code"), SQLDataType.VARCHAR(3));
    static final Field<String> C_CODE = field(name("currency", "code"), SQLDataType.VARCHAR(3));
    static final Field<String> C_NAME = field(name("currency", "name"), SQLDataType.VARCHAR(40));

    /** A generated table as jOOQ's code generator writes one: its alias is a TableImpl, not a TableAlias. */
    static final class Currency extends TableImpl<Record> {
        Currency() {
            super(name("currency"));
        }

        private Currency(Name alias, Table<Record> aliased) {
            super(alias, null, aliased);
        }

        @Override
        public Currency as(String alias) {
            return new Currency(name(alias), this);
        }
    }

    private static QueryShape read(Select<?> q) {
        return SelectReader.read(q, false, REFERENCE);
    }

    private static String refusal(Select<?> q) {
        return assertThrows(UnsupportedFanOutException.class, () -> read(q), q::toString).construct();
    }

    @Test
    void aShardedTableJoinedWithReferenceTablesIsAccepted() {
        read(select(O_CODE, C_NAME).from(ORDERS).join(CURRENCY).on(O_CODE.eq(C_CODE)));
        read(select(O_CODE, C_NAME).from(ORDERS).leftJoin(CURRENCY).on(O_CODE.eq(C_CODE)));
        read(select(O_CODE, C_NAME).from(CURRENCY).rightJoin(ORDERS).on(O_CODE.eq(C_CODE)));
        read(select(O_CODE, C_NAME).from(ORDERS, CURRENCY).where(O_CODE.eq(C_CODE)));
        read(select(C_NAME, count()).from(ORDERS).join(CURRENCY).on(O_CODE.eq(C_CODE))
                .join(COUNTRY).on(field(name("country", "currency")).eq(C_CODE)).groupBy(C_NAME));
        // two reference tables fully joined to each other, then to the sharded table: every shard has the same pairs
        read(select(O_CODE).from(ORDERS).join(CURRENCY.fullJoin(COUNTRY).on(field(name("country", "currency")).eq(C_CODE)))
                .on(O_CODE.eq(C_CODE)));
        Table<Record> c = new Currency().as("c");
        read(select(O_CODE).from(ORDERS.as("o")).join(c).on(field(name("o", "code")).eq(field(name("c", "code")))));
        read(select(O_CODE).from(ORDERS).join(CURRENCY.as("c")).on(O_CODE.eq(field(name("c", "code"), String.class))));
    }

    @Test
    void withoutReferenceTablesTheSameJoinIsRefused() {
        Select<?> q = select(O_CODE, C_NAME).from(ORDERS).join(CURRENCY).on(O_CODE.eq(C_CODE));
        assertEquals("a join", assertThrows(UnsupportedFanOutException.class, () -> SelectReader.read(q, false)).construct());
        assertEquals("a join", assertThrows(UnsupportedFanOutException.class,
                () -> SelectReader.read(q, false, Set.of("country"))).construct());
    }

    @Test
    void twoShardedTablesAreStillRefused() {
        assertEquals("a join", refusal(select(O_CODE).from(ORDERS).join(ITEMS).on(O_CODE.eq(field(name("items", "code"), String.class)))
                .join(CURRENCY).on(O_CODE.eq(C_CODE))));
        assertEquals("a join (several tables in FROM)", refusal(select(O_CODE).from(ORDERS, ITEMS, CURRENCY)));
        // assumeColocated() still allows them
        SelectReader.read(select(O_CODE).from(ORDERS).join(ITEMS).on(O_CODE.eq(field(name("items", "code"), String.class))),
                true, REFERENCE);
    }

    @Test
    void aReferenceTableOnThePreservedSideIsRefused() {
        for (Select<?> q : java.util.List.of(
                select(C_NAME).from(CURRENCY).leftJoin(ORDERS).on(O_CODE.eq(C_CODE)),
                select(C_NAME).from(ORDERS).rightJoin(CURRENCY).on(O_CODE.eq(C_CODE)),
                select(C_NAME).from(ORDERS).fullJoin(CURRENCY).on(O_CODE.eq(C_CODE)))) {
            assertTrue(refusal(q).startsWith("this outer join of a reference table"), q::toString);
        }
    }

    @Test
    void aSubqueryInTheJoinConditionStillNeedsColocation() {
        Select<?> q = select(O_CODE).from(ORDERS).join(CURRENCY).on(O_CODE.eq(C_CODE)
                .and(O_CODE.in(select(field(name("code"), String.class)).from(ITEMS))));
        assertTrue(refusal(q).startsWith("a subquery"), refusal(q));
    }

    @Test
    void onlyReferenceTablesRunOnOneShard() {
        assertTrue(SelectReader.readsOnlyReferenceTables(select(C_NAME).from(CURRENCY), REFERENCE));
        assertTrue(SelectReader.readsOnlyReferenceTables(select(C_NAME).from(CURRENCY.as("c")).join(COUNTRY)
                .on(field(name("country", "currency")).eq(field(name("c", "code")))), REFERENCE));
        assertTrue(SelectReader.readsOnlyReferenceTables(select(C_NAME).from(new Currency().as("x")), REFERENCE));
        assertFalse(SelectReader.readsOnlyReferenceTables(select(C_NAME).from(CURRENCY)
                .where(C_CODE.in(select(O_CODE).from(ORDERS))), REFERENCE));
        assertFalse(SelectReader.readsOnlyReferenceTables(select(C_NAME).from(CURRENCY), Set.of()));
        // read as one database reads it: a subquery and a window-free join need no assumeColocated()
        read(select(C_NAME).from(CURRENCY).where(C_CODE.in(select(field(name("currency"), String.class)).from(COUNTRY))));
    }

    @Test
    void referenceRowsBesideShardedOnesAreRefused() {
        String construct = refusal(select(C_CODE).from(CURRENCY).unionAll(select(O_CODE).from(ORDERS)));
        assertTrue(construct.startsWith("a FROM of reference tables only"), construct);
        UnsupportedFanOutException e = assertThrows(UnsupportedFanOutException.class, () -> SelectReader.read(
                select(C_NAME).from(CURRENCY).where(C_CODE.in(select(O_CODE).from(ORDERS))), true, REFERENCE));
        assertEquals("a FROM of reference tables only (\"currency\") in a query that also reads sharded tables",
                e.construct());
        assertEquals("cannot fan out this query: a FROM of reference tables only (\"currency\") in a query that also reads"
                + " sharded tables — every shard would return the reference rows again; query the reference tables on their"
                + " own (one shard answers), or join them to the sharded table in this FROM", e.getMessage());
    }
}
