package io.shardkit.move.ingest;

import io.shardkit.move.ImportJob;
import io.shardkit.move.ImportJob.State;
import io.shardkit.move.ImportReport;
import io.shardkit.move.MoveRefusedException;
import io.shardkit.move.MoveReport.Place;
import io.shardkit.move.copy.KeysetPages;
import io.shardkit.move.copy.TableInfo;
import io.shardkit.move.fence.Fence;
import io.shardkit.move.verify.DiffReport;
import io.shardkit.move.verify.RoutedDiff;
import io.shardkit.router.ShardId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.InsertValuesStepN;
import org.jooq.Record;
import org.jooq.Result;
import org.jooq.SortField;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One import's steps, run from the state its job records; each is safe to run again. The copy commits a batch on
 * every shard, then records the batch's last key: a mover that died between the two left rows past the recorded key
 * on some shards, which a resumed copy deletes before it goes on, so every row ends up exactly once.
 */
final class ImportRun {
    private static final Logger LOG = LoggerFactory.getLogger(ImportRun.class);
    /** Bind values per statement, under every supported database's limit (PostgreSQL: 32,767). */
    private static final int MAX_BINDS = 30_000;

    private final ImportContext ctx;
    private final ImportPlan plan;
    private final DSLContext source;
    private final Fence fence;
    private ImportJob job;
    private Map<String, DiffReport> verify;
    private Map<String, Long> perShard;
    private Duration verifyTime = Duration.ZERO;

    ImportRun(ImportContext ctx, ImportJob job, ImportPlan plan) {
        this.ctx = ctx;
        this.job = job;
        this.plan = plan;
        this.source = ctx.dsl().apply(job.from().database());
        this.fence = fence(source, job);
    }

    static Fence fence(DSLContext source, ImportJob job) {
        return new Fence(source, job.from().schema(), "import:" + job.id());
    }

    /** Runs the job from its recorded state to DONE; a failure before that undoes it (CANCELLED) and is thrown. */
    ImportReport toDone() {
        try {
            if (job.state() == State.PLANNED) {
                checkVersion();
                if (!fence.isClosed()) { // a resumed import whose fence closed already must not open it again
                    fence.install(names(), null, null);
                    fence.close(); // block-writes: the pause starts here
                }
                advance(State.FENCED, "writes to " + job.from() + " are refused from here on");
            }
            if (job.state() == State.FENCED) advance(State.COPYING, null);
            if (job.state() == State.COPYING) {
                copy();
                runVerify();
                long bad = verify.values().stream().mapToLong(d -> d.mismatches().size()).sum();
                if (bad > 0) {
                    throw new MoveRefusedException("import job " + job.id() + ": verify found " + bad + " differing rows"
                            + " after the copy (first: " + firstMismatch() + ")");
                }
                advance(State.VERIFIED, verify.values().stream().mapToLong(DiffReport::rows).sum() + " rows compared on "
                        + verify.size() + " shards");
            }
            if (job.state() == State.VERIFIED) {
                if (verify == null) runVerify(); // resumed here: the report shows a comparison of this run
                checkVersion();
                advance(State.DONE, sourceNote());
            }
        } catch (RuntimeException e) {
            try {
                if (ctx.jobs().lease(job.id(), ctx.owner(), ctx.lease())) { // never undo under another mover's feet
                    undo();
                    advance(State.CANCELLED, "failed: " + e.getMessage());
                }
            } catch (RuntimeException undo) {
                e.addSuppressed(undo); // the job stays where it failed: cancel or resume it once the databases answer
            }
            ctx.jobs().release(job.id(), ctx.owner());
            throw e;
        }
        ctx.jobs().release(job.id(), ctx.owner());
        LOG.info("import job {}: {} imported into topology version {}, writes paused {} ms", job.id(), job.from(),
                job.version(), ctx.jobs().fencedFor(job.id()).toMillis());
        return report();
    }

    /** Each table from the recorded progress on, in key batches; each batch one INSERT per shard, then the progress. */
    private void copy() {
        List<TableInfo> tables = plan.tables();
        int start = job.progressTable() == null ? 0 : names().indexOf(job.progressTable());
        if (start < 0) throw new MoveRefusedException("import job " + job.id() + ": its progress names table "
                + job.progressTable() + ", which it does not import — cancel it");
        for (int i = start; i < tables.size(); i++) {
            TableInfo t = tables.get(i);
            checkVersion();
            boolean resumed = i == start && job.progressTable() != null;
            long rows = resumed ? job.progressRows() : 0;
            Object[] after = resumed && rows > 0 ? keyAt(t, rows) : null;
            if (resumed) {
                for (Place p : plan.routing().places()) deleteAfter(p, t, after); // a batch the dead mover left half-done
            } else {
                progress(t, 0, null); // from here on, this table's rows on the shards are this job's
            }
            copyTable(t, rows, after);
        }
    }

    private void copyTable(TableInfo t, long rows, Object[] after) {
        KeysetPages from = pages(source, job.from(), t);
        int keyAt = t.columns().indexOf(plan.keyColumns().get(t.name()));
        while (true) {
            Result<Record> page = from.page(after, ctx.batch());
            if (page.isEmpty()) return;
            Map<Place, List<Record>> byPlace = new LinkedHashMap<>();
            for (Record r : page) {
                ShardId shard = plan.routing().shardOf(r.get(keyAt), t.name(), plan.keyColumns().get(t.name()));
                byPlace.computeIfAbsent(plan.routing().place(shard), p -> new ArrayList<>()).add(r);
            }
            byPlace.forEach((place, part) -> insert(place, t, part));
            rows += page.size();
            after = from.keyOf(page.get(page.size() - 1));
            progress(t, rows, text(after));
        }
    }

    /** One multi-row INSERT in a transaction (split only to stay under the database's bind limit). */
    private void insert(Place place, TableInfo t, List<Record> rows) {
        DSLContext db = ctx.dsl().apply(place.database());
        KeysetPages to = pages(db, place, t);
        int perStatement = Math.max(1, MAX_BINDS / t.columns().size());
        db.transaction(cfg -> {
            for (int from = 0; from < rows.size(); from += perStatement) {
                InsertValuesStepN<?> insert = DSL.using(cfg).insertInto(to.table(), to.columns());
                for (Record r : rows.subList(from, Math.min(rows.size(), from + perStatement))) insert = insert.values(r.intoArray());
                insert.execute();
            }
        });
    }

    /** The key of the source's {@code rows}-th row in key order: the fence keeps the source still, so it is the recorded one. */
    private Object[] keyAt(TableInfo t, long rows) {
        List<Field<Object>> key = keyFields(t);
        Record r = source.select(key).from(pages(source, job.from(), t).table())
                .orderBy(key.stream().<SortField<?>>map(Field::asc).toList()).limit(1).offset(rows - 1).fetchOne();
        Object[] k = r == null ? null : r.intoArray();
        if (k == null || !clip(text(k)).equals(job.progressKey())) {
            throw new MoveRefusedException("import job " + job.id() + ": row " + rows + " of " + t.name() + " on "
                    + job.from() + " is " + (k == null ? "gone" : "[" + text(k) + "]") + ", not the recorded ["
                    + job.progressKey() + "] — the source changed under its fence; cancel the import and run it again");
        }
        return k;
    }

    private void deleteAfter(Place place, TableInfo t, Object[] after) {
        DSLContext db = ctx.dsl().apply(place.database());
        var table = pages(db, place, t).table();
        int n = after == null ? db.deleteFrom(table).execute()
                : db.deleteFrom(table).where(DSL.row(keyFields(t)).gt(DSL.row(values(after)))).execute();
        if (n > 0) LOG.info("import job {}: deleted {} rows of {} on {} past the last recorded batch", job.id(), n, t.name(), place);
    }

    /** Before DONE: the rows that came from the source deleted from the shards (by key), the fence open and gone. */
    void undo() {
        if (job.state() == State.COPYING || job.state() == State.VERIFIED) {
            for (TableInfo t : plan.tables()) deleteImported(t);
        }
        fence.open();
        fence.remove(names());
    }

    private void deleteImported(TableInfo t) {
        KeysetPages from = pages(source, job.from(), t);
        int keyAt = t.columns().indexOf(plan.keyColumns().get(t.name()));
        List<Field<Object>> key = keyFields(t);
        int perStatement = Math.max(1, 10_000 / key.size());
        Object[] after = null;
        for (Result<Record> page = from.page(null, ctx.batch()); !page.isEmpty(); page = from.page(after, ctx.batch())) {
            Map<Place, List<org.jooq.RowN>> byPlace = new LinkedHashMap<>();
            for (Record r : page) {
                ShardId shard = plan.routing().shardOf(r.get(keyAt), t.name(), plan.keyColumns().get(t.name()));
                byPlace.computeIfAbsent(plan.routing().place(shard), p -> new ArrayList<>()).add(DSL.row(values(from.keyOf(r))));
            }
            byPlace.forEach((place, keys) -> {
                DSLContext db = ctx.dsl().apply(place.database());
                var table = pages(db, place, t).table();
                for (int i = 0; i < keys.size(); i += perStatement) {
                    db.deleteFrom(table).where(DSL.row(key).in(keys.subList(i, Math.min(keys.size(), i + perStatement)))).execute();
                }
            });
            after = from.keyOf(page.get(page.size() - 1));
        }
    }

    /** Per shard: the source rows routed there against the rows there, in key chunks; rows per shard counted on the way. */
    Map<String, DiffReport> runVerify() {
        long started = System.nanoTime();
        perShard = new LinkedHashMap<>();
        plan.routing().shards().forEach(s -> perShard.put(s.value(), 0L));
        Map<Place, java.util.function.Function<TableInfo, KeysetPages>> targets = new LinkedHashMap<>();
        for (Place p : plan.routing().places()) targets.put(p, t -> pages(ctx.dsl().apply(p.database()), p, t));
        Map<Place, DiffReport> diff = RoutedDiff.compare(plan.tables(), t -> pages(source, job.from(), t), targets, (t, r) -> {
            String column = plan.keyColumns().get(t.name());
            ShardId s = plan.routing().shardOf(r.get(t.columns().indexOf(column)), t.name(), column);
            perShard.merge(s.value(), 1L, Long::sum);
            return plan.routing().place(s);
        }, ctx.batch());
        verify = new LinkedHashMap<>();
        diff.forEach((p, d) -> verify.put(plan.routing().label(p), d));
        verifyTime = Duration.ofNanos(System.nanoTime() - started);
        return verify;
    }

    ImportReport report() {
        if (verify == null) runVerify();
        Map<String, Long> rows = new LinkedHashMap<>();
        for (TableInfo t : plan.tables()) rows.put(t.name(), (long) source.fetchCount(pages(source, job.from(), t).table()));
        return new ImportReport(job.id(), job.from(), rows, perShard, verify, verifyTime, ctx.jobs().fencedFor(job.id()),
                job.version(), job.state() == State.DONE ? sourceNote() : "the source is " + job.state());
    }

    private String firstMismatch() {
        return verify.entrySet().stream().filter(e -> !e.getValue().clean())
                .map(e -> e.getValue().mismatches().getFirst() + " on " + e.getKey()).findFirst().orElse("none");
    }

    private String sourceNote() {
        return job.from() + " keeps its rows behind its closed fence (" + fence.name() + "): every write there is refused"
                + " with SQLSTATE SKM01 — the service writes to the cluster now; drop the database once nothing needs it";
    }

    private void checkVersion() {
        long latest = ctx.store().latestNumber();
        if (latest != job.version()) {
            throw new MoveRefusedException("import job " + job.id() + ": topology version " + latest + " was published"
                    + " during the import, which routes by version " + job.version() + " — cancel it and import again");
        }
    }

    private void advance(State state, String detail) {
        ctx.jobs().advance(job, state, detail, ctx.owner(), ctx.lease());
        job = ctx.jobs().get(job.id());
        ctx.onState().accept(job);
    }

    private void progress(TableInfo t, long rows, String key) {
        ctx.jobs().progress(job, t.name(), rows, key, ctx.owner(), ctx.lease());
        job = ctx.jobs().get(job.id());
        ctx.onState().accept(job);
    }

    private List<String> names() {
        return plan.tables().stream().map(TableInfo::name).toList();
    }

    private static List<Field<Object>> keyFields(TableInfo t) {
        return t.primaryKey().stream().map(c -> DSL.field(DSL.quotedName(c))).toList();
    }

    private static List<Field<?>> values(Object[] key) {
        return java.util.Arrays.stream(key).<Field<?>>map(DSL::val).toList();
    }

    /** A key as text, for the job's progress and for checking a resumed copy starts where the last one stopped. */
    static String text(Object[] key) {
        return java.util.Arrays.stream(key).map(v -> v instanceof byte[] b ? HexFormat.of().formatHex(b) : String.valueOf(v))
                .collect(Collectors.joining(", "));
    }

    private static String clip(String s) {
        return s.substring(0, Math.min(2_000, s.length()));
    }

    static KeysetPages pages(DSLContext db, Place place, TableInfo t) {
        return new KeysetPages(db, place.schema(), t, null);
    }
}
