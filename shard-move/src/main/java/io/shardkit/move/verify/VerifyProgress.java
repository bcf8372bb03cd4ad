package io.shardkit.move.verify;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * Where a named verify keeps its place, in a control database: per table the last key verified, the rows and the
 * mismatches so far ({@code shardkit_verify_progress}), and each mismatched key
 * ({@code shardkit_verify_mismatch}), both created when missing. A verify started again under the same name resumes
 * after each table's saved key, and reports the mismatches found before as well as its own.
 */
public final class VerifyProgress {
    private static final Table<?> PROGRESS = DSL.table(DSL.name("shardkit_verify_progress"));
    private static final Table<?> MISMATCH = DSL.table(DSL.name("shardkit_verify_mismatch"));
    private static final Field<String> VERIFY = DSL.field(DSL.name("verify_name"), SQLDataType.VARCHAR(200).notNull());
    private static final Field<String> TABLE = DSL.field(DSL.name("table_name"), SQLDataType.VARCHAR(200).notNull());
    private static final Field<String> LAST_KEY = DSL.field(DSL.name("last_key"), SQLDataType.VARCHAR(4000).null_());
    private static final Field<Long> ROWS = DSL.field(DSL.name("rows_compared"), SQLDataType.BIGINT.notNull());
    private static final Field<Long> MISMATCHES = DSL.field(DSL.name("mismatches"), SQLDataType.BIGINT.notNull());
    private static final Field<Boolean> FINISHED = DSL.field(DSL.name("finished"), SQLDataType.BOOLEAN.notNull());
    private static final Field<String> KIND = DSL.field(DSL.name("kind"), SQLDataType.VARCHAR(20).notNull());
    private static final Field<String> KEY = DSL.field(DSL.name("key_values"), SQLDataType.VARCHAR(4000).notNull());

    private final DSLContext db;
    private final String name;

    private VerifyProgress(DSLContext db, String name) {
        this.db = db;
        this.name = name;
    }

    /** The progress of the verify {@code name}, kept in {@code control}. */
    public static VerifyProgress of(DSLContext control, String name) {
        Objects.requireNonNull(control, "control");
        Objects.requireNonNull(name, "name");
        if (name.isBlank() || name.length() > 200) {
            throw new IllegalArgumentException("verify name must be 1 to 200 characters: '" + name + "'");
        }
        return new VerifyProgress(control, name);
    }

    public String name() {
        return name;
    }

    /** Forgets this verify's progress and mismatches: the next run starts from the first key of every table. */
    public void clear() {
        create();
        db.transaction(tx -> {
            tx.dsl().deleteFrom(MISMATCH).where(VERIFY.eq(name)).execute();
            tx.dsl().deleteFrom(PROGRESS).where(VERIFY.eq(name)).execute();
        });
    }

    /** A table's saved place: after {@code lastKey} (null: from the start), or {@code finished}. */
    record Saved(Object[] lastKey, long rows, long mismatches, boolean finished) {
    }

    void create() {
        db.createTableIfNotExists(PROGRESS).columns(VERIFY, TABLE, LAST_KEY, ROWS, MISMATCHES, FINISHED)
                .primaryKey(VERIFY, TABLE).execute();
        db.createTableIfNotExists(MISMATCH).columns(VERIFY, TABLE, KIND, KEY).execute();
    }

    /** The table's saved place, or null when this verify has not reached it. */
    Saved load(String table) {
        Record r = db.select(LAST_KEY, ROWS, MISMATCHES, FINISHED).from(PROGRESS)
                .where(VERIFY.eq(name)).and(TABLE.eq(table)).fetchOne();
        if (r == null) return null;
        String key = r.get(LAST_KEY);
        return new Saved(key == null ? null : KeyText.read(key), r.get(ROWS), r.get(MISMATCHES), r.get(FINISHED));
    }

    /** Every mismatch saved so far, in the order found. */
    List<Mismatch> mismatches() {
        List<Mismatch> all = new ArrayList<>();
        for (Record r : db.select(TABLE, KIND, KEY).from(MISMATCH).where(VERIFY.eq(name)).fetch()) {
            Object[] key = KeyText.read(r.get(KEY));
            all.add(new Mismatch(r.get(TABLE), Arrays.stream(key).map(Canonical::of).toList(),
                    Mismatch.Kind.valueOf(r.get(KIND)), Arrays.asList(key)));
        }
        return all;
    }

    /** A chunk done, in one transaction: its new mismatches, and the table's place after it. */
    void save(String table, Object[] lastKey, long rows, long mismatchCount, boolean finished, List<Mismatch> found) {
        String key = lastKey == null ? null : text(table, lastKey);
        List<String> foundKeys = found.stream().map(m -> text(table, m.values().toArray())).toList();
        db.transaction(tx -> {
            DSLContext t = tx.dsl();
            for (int i = 0; i < found.size(); i++) {
                t.insertInto(MISMATCH, VERIFY, TABLE, KIND, KEY)
                        .values(name, table, found.get(i).kind().name(), foundKeys.get(i)).execute();
            }
            int updated = t.update(PROGRESS).set(LAST_KEY, key).set(ROWS, rows).set(MISMATCHES, mismatchCount)
                    .set(FINISHED, finished).where(VERIFY.eq(name)).and(TABLE.eq(table)).execute();
            if (updated == 0) {
                t.insertInto(PROGRESS, VERIFY, TABLE, LAST_KEY, ROWS, MISMATCHES, FINISHED)
                        .values(name, table, key, rows, mismatchCount, finished).execute();
            }
        });
    }

    private static String text(String table, Object[] key) {
        String text = KeyText.write(table, key);
        if (text.length() > 4000) {
            throw new IllegalArgumentException("table " + table + ": a primary key of " + text.length()
                    + " characters as JSON is longer than verify progress keeps (4000) — verify it without a progress store");
        }
        return text;
    }
}
