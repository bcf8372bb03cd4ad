package io.shardkit.move.verify;

import io.shardkit.move.copy.KeysetPages;
import io.shardkit.move.copy.TableInfo;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Result;
import org.jooq.SortField;
import org.jooq.impl.DSL;

/**
 * One database's view of a table being verified: its rows in a key range {@code (after, last]} (either end may be
 * open: null), counted and hashed, or a key at a position, or the rows themselves.
 */
final class Side {
    private final DSLContext db;
    private final KeysetPages pages;
    private final List<Field<Object>> key;
    private final List<SortField<?>> order;
    private final Condition filter;
    private final RowHash hash;
    private long queries;
    private long rowsFetched;

    Side(DSLContext db, String schema, TableInfo table, Condition filter, RowHash hash) {
        this.db = db;
        this.pages = new KeysetPages(db, schema, table, filter);
        this.key = table.primaryKey().stream().map(c -> DSL.field(DSL.quotedName(c))).toList();
        this.order = key.stream().<SortField<?>>map(Field::asc).toList();
        this.filter = filter == null ? DSL.noCondition() : filter;
        this.hash = hash;
    }

    KeysetPages pages() {
        return pages;
    }

    /** The key of the {@code position}-th row (from 1) after {@code after} and up to {@code last}, or null. */
    Object[] keyAt(Object[] after, Object[] last, long position) {
        queries++;
        Record r = db.select(key).from(pages.table()).where(filter).and(range(after, last)).orderBy(order)
                .limit(1).offset(position - 1).fetchOne();
        return r == null ? null : r.intoArray();
    }

    ChunkHash hash(Object[] after, Object[] last) {
        queries++;
        var rows = db.select(hash.rowHash(pages.columns()).as("h")).from(pages.table()).where(filter)
                .and(range(after, last));
        var table = (hash.needsFence() ? rows.offset(0) : rows).asTable("x");
        Record r = db.select(hash.aggregate()).from(table).fetchOne();
        return new ChunkHash(r.get(0, Long.class), r.get(1, BigDecimal.class), r.get(2, BigDecimal.class));
    }

    /** Every row in the range, in key order. */
    Result<Record> rows(Object[] after, Object[] last) {
        queries++;
        Result<Record> rows = db.select(pages.columns()).from(pages.table()).where(filter).and(range(after, last))
                .orderBy(order).fetch();
        rowsFetched += rows.size();
        return rows;
    }

    /** Up to {@code limit} rows after {@code after}, in key order. */
    Result<Record> page(Object[] after, int limit) {
        queries++;
        Result<Record> rows = pages.page(after, limit);
        rowsFetched += rows.size();
        return rows;
    }

    /** The row of {@code key} (within the filter), or null. */
    Record row(Object[] key) {
        queries++;
        Record r = pages.row(key);
        if (r != null) rowsFetched++;
        return r;
    }

    long queries() {
        return queries;
    }

    long rowsFetched() {
        return rowsFetched;
    }

    private Condition range(Object[] after, Object[] last) {
        Condition c = DSL.noCondition();
        if (after != null) c = c.and(DSL.row(key).gt(DSL.row(values(after))));
        if (last != null) c = c.and(DSL.row(key).le(DSL.row(values(last))));
        return c;
    }

    private static List<Field<?>> values(Object[] key) {
        return Arrays.stream(key).<Field<?>>map(DSL::val).toList();
    }
}
