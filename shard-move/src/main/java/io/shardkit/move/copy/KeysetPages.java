package io.shardkit.move.copy;

import java.util.List;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Name;
import org.jooq.Record;
import org.jooq.Result;
import org.jooq.SortField;
import org.jooq.Table;
import org.jooq.impl.DSL;

/**
 * A table read in primary-key order, a page at a time, each page starting after the last key of the one before: a
 * read that stops can resume from the last key, and no page costs more than its own rows.
 */
public final class KeysetPages {
    private final DSLContext db;
    private final Table<?> table;
    private final List<Field<Object>> columns;
    private final List<Field<Object>> key;
    private final Condition filter;

    /**
     * @param schema as the cluster names it, or null
     * @param filter only these rows (a tenant's), or null for all
     */
    public KeysetPages(DSLContext db, String schema, TableInfo info, Condition filter) {
        this.db = db;
        Name name = DSL.quotedName(info.name());
        this.table = DSL.table(schema == null ? name : DSL.name(DSL.unquotedName(schema), name));
        this.columns = info.columns().stream().map(c -> DSL.field(DSL.quotedName(c))).toList();
        this.key = info.primaryKey().stream().map(c -> DSL.field(DSL.quotedName(c))).toList();
        this.filter = filter == null ? DSL.noCondition() : filter;
    }

    /** Up to {@code limit} rows after {@code after} (a key; null for the first page), every column, in key order. */
    public Result<Record> page(Object[] after, int limit) {
        return db.select(columns).from(table).where(filter).and(after(after))
                .orderBy(key.stream().<SortField<?>>map(Field::asc).toList()).limit(limit).fetch();
    }

    /** The greatest key (of the filter's rows), or null when there is none. */
    public Object[] lastKey() {
        Record r = db.select(key).from(table).where(filter)
                .orderBy(key.stream().<SortField<?>>map(Field::desc).toList()).limit(1).fetchOne();
        return r == null ? null : keyOf(r);
    }

    /** Rows with keys up to and including {@code last}; none when {@code last} is null. */
    public Condition upTo(Object[] last) {
        return last == null ? DSL.falseCondition() : DSL.row(key).le(DSL.row(values(last)));
    }

    /** Rows with keys after {@code after} (null: from the start) up to and including {@code last}, in key order. */
    public Result<Record> between(Object[] after, Object[] last) {
        return db.select(columns).from(table).where(filter).and(after(after))
                .and(DSL.row(key).le(DSL.row(values(last))))
                .orderBy(key.stream().<SortField<?>>map(Field::asc).toList()).fetch();
    }

    /** The row with primary key {@code key}, or null. */
    public Record row(Object[] key) {
        return db.select(columns).from(table).where(filter).and(DSL.row(this.key).eq(DSL.row(values(key)))).fetchOne();
    }

    /** How many rows (of the filter's). */
    public long count() {
        return db.fetchCount(table, filter);
    }

    /** Deletes every row (of the filter's). */
    public int deleteAll() {
        return db.deleteFrom(table).where(filter).execute();
    }

    /** Up to {@code limit} keys after {@code after} (null: the first), in key order. */
    public List<Object[]> keys(Object[] after, int limit) {
        return db.select(key).from(table).where(filter).and(after(after))
                .orderBy(key.stream().<SortField<?>>map(Field::asc).toList()).limit(limit).fetch().map(r -> keyOf(r));
    }

    /** Deletes the rows with these keys, in {@code tx} (a transaction on this table's database). */
    public int delete(DSLContext tx, List<Object[]> keys) {
        if (keys.isEmpty()) return 0;
        return tx.deleteFrom(table).where(DSL.row(key).in(keys.stream().map(k -> DSL.row(values(k))).toList())).execute();
    }

    /** The key of {@code row}. */
    public Object[] keyOf(Record row) {
        Object[] k = new Object[key.size()];
        for (int i = 0; i < k.length; i++) k[i] = row.get(key.get(i));
        return k;
    }

    public Table<?> table() {
        return table;
    }

    public List<Field<Object>> columns() {
        return columns;
    }

    private Condition after(Object[] after) {
        return after == null ? DSL.noCondition() : DSL.row(key).gt(DSL.row(values(after)));
    }

    private static List<Field<?>> values(Object[] key) {
        return java.util.Arrays.stream(key).<Field<?>>map(DSL::val).toList();
    }
}
