package io.shardkit.move.copy;

import org.jooq.DSLContext;
import org.jooq.InsertValuesStepN;
import org.jooq.Record;
import org.jooq.Result;

/** Copies a table's rows in primary-key batches, each batch one multi-row INSERT in a transaction of its own. */
public final class BatchCopy {
    private BatchCopy() {
    }

    /**
     * Copies every row of {@code from} (after {@code resumeAfter}, a key, or null for all) into {@code to}.
     *
     * @return the rows copied
     */
    public static long copy(KeysetPages from, DSLContext target, KeysetPages to, int batch, Object[] resumeAfter) {
        long copied = 0;
        Object[] after = resumeAfter;
        while (true) {
            Result<Record> rows = from.page(after, batch);
            if (rows.isEmpty()) return copied;
            target.transaction(cfg -> {
                InsertValuesStepN<?> insert = null;
                for (Record r : rows) {
                    insert = insert == null ? org.jooq.impl.DSL.using(cfg).insertInto(to.table(), to.columns()).values(r.intoArray())
                            : insert.values(r.intoArray());
                }
                insert.execute();
            });
            copied += rows.size();
            after = from.keyOf(rows.get(rows.size() - 1));
        }
    }
}
