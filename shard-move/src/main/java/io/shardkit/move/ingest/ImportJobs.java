package io.shardkit.move.ingest;

import io.shardkit.move.ImportJob;
import io.shardkit.move.ImportJob.State;
import io.shardkit.move.MoveRefusedException;
import io.shardkit.move.MoveReport.Place;
import io.shardkit.router.ShardException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.exception.DataAccessException;
import org.jooq.exception.IntegrityConstraintViolationException;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * Imports as rows in the control database ({@code shardkit_import_jobs}): each step, and each committed copy batch,
 * records how far the import got, so a mover that dies is resumed (or cancelled) from there by another; one mover at a
 * time holds a job's lease. The table is created on first use.
 */
public final class ImportJobs {
    private static final Table<Record> JOBS = DSL.table(DSL.name("shardkit_import_jobs"));
    private static final Field<Long> ID = DSL.field(DSL.name("id"), SQLDataType.BIGINT.notNull());
    private static final Field<String> FROM_DB = DSL.field(DSL.name("from_db"), SQLDataType.VARCHAR(200).notNull());
    private static final Field<String> FROM_SCHEMA = DSL.field(DSL.name("from_schema"), SQLDataType.VARCHAR(200));
    private static final Field<String> KEY_COLUMN = DSL.field(DSL.name("key_column"), SQLDataType.VARCHAR(200).notNull());
    private static final Field<String> TABLES = DSL.field(DSL.name("table_names"), SQLDataType.CLOB.notNull());
    private static final Field<String> STATE = DSL.field(DSL.name("state"), SQLDataType.VARCHAR(20).notNull());
    private static final Field<Long> VERSION = DSL.field(DSL.name("version"), SQLDataType.BIGINT.notNull());
    private static final Field<String> P_TABLE = DSL.field(DSL.name("progress_table"), SQLDataType.VARCHAR(200));
    private static final Field<Long> P_ROWS = DSL.field(DSL.name("progress_rows"), SQLDataType.BIGINT.notNull());
    private static final Field<String> P_KEY = DSL.field(DSL.name("progress_key"), SQLDataType.VARCHAR(2000));
    private static final Field<LocalDateTime> FENCED_AT = DSL.field(DSL.name("fenced_at"), SQLDataType.LOCALDATETIME(3));
    private static final Field<LocalDateTime> DONE_AT = DSL.field(DSL.name("done_at"), SQLDataType.LOCALDATETIME(3));
    private static final Field<String> OWNER = DSL.field(DSL.name("lease_owner"), SQLDataType.VARCHAR(200));
    private static final Field<LocalDateTime> LEASE = DSL.field(DSL.name("lease_until"), SQLDataType.LOCALDATETIME(3));
    private static final Field<LocalDateTime> UPDATED = DSL.field(DSL.name("updated_at"), SQLDataType.LOCALDATETIME(3).notNull());
    private static final Field<String> DETAIL = DSL.field(DSL.name("detail"), SQLDataType.VARCHAR(2000));

    /** Named one by one: an untyped table's columns come back in the database's case, which a lookup would miss. */
    private static final List<Field<?>> COLUMNS = List.of(ID, FROM_DB, FROM_SCHEMA, KEY_COLUMN, TABLES, STATE, VERSION,
            P_TABLE, P_ROWS, P_KEY, OWNER, DETAIL);

    private final DSLContext dsl;

    public ImportJobs(DSLContext control) {
        this.dsl = control;
        dsl.createTableIfNotExists(JOBS).columns(ID, FROM_DB, FROM_SCHEMA, KEY_COLUMN, TABLES, STATE, VERSION, P_TABLE,
                P_ROWS, P_KEY, FENCED_AT, DONE_AT, OWNER, LEASE, UPDATED, DETAIL).primaryKey(ID).execute();
    }

    /** A new job, PLANNED, leased to {@code owner}; refused while another import is under way. */
    ImportJob create(Place from, String keyColumn, List<String> tables, long version, String owner, Duration lease) {
        for (int attempt = 0; ; attempt++) {
            refuseIfActive(from);
            long id = Optional.ofNullable(dsl.select(DSL.max(ID)).from(JOBS).fetchOne(0, Long.class)).orElse(0L) + 1;
            try {
                dsl.insertInto(JOBS, ID, FROM_DB, FROM_SCHEMA, KEY_COLUMN, TABLES, STATE, VERSION, P_ROWS, OWNER, LEASE,
                                UPDATED)
                        .values(id, from.database(), from.schema(), keyColumn, String.join("\n", tables), State.PLANNED.name(),
                                version, 0L, owner, now().plus(lease), now()).execute();
                return get(id);
            } catch (IntegrityConstraintViolationException raced) {
                if (attempt > 5) throw raced;
            }
        }
    }

    /**
     * Refuses while an import is neither done nor cancelled: of the same source (resume or cancel it), or of another
     * (one import at a time: both would fill the same shards' tables).
     */
    void refuseIfActive(Place from) {
        Optional<ImportJob> active = dsl.select(COLUMNS).from(JOBS)
                .where(STATE.notIn(State.DONE.name(), State.CANCELLED.name())).orderBy(ID.desc()).limit(1)
                .fetchOptional().map(ImportJobs::job);
        if (active.isEmpty()) return;
        ImportJob a = active.get();
        if (a.from().equals(from)) {
            throw new MoveRefusedException("import job " + a.id() + " is importing " + from + " (" + a.state()
                    + ") — resume it, or cancel it first");
        }
        throw new MoveRefusedException("import job " + a.id() + " is importing " + a.from() + " (" + a.state()
                + ") — one import at a time: resume or cancel it first");
    }

    public ImportJob get(long id) {
        return dsl.select(COLUMNS).from(JOBS).where(ID.eq(id)).fetchOptional().map(ImportJobs::job)
                .orElseThrow(() -> new MoveRefusedException("no import job " + id));
    }

    public List<ImportJob> all() {
        return dsl.select(COLUMNS).from(JOBS).orderBy(ID).fetch().map(ImportJobs::job);
    }

    /** Records {@code state} (and, reaching FENCED or DONE, the time), only while {@code owner} holds the lease. */
    void advance(ImportJob job, State state, String detail, String owner, Duration lease) {
        var update = dsl.update(JOBS).set(STATE, state.name())
                .set(DETAIL, detail == null ? null : detail.substring(0, Math.min(2_000, detail.length())))
                .set(UPDATED, now()).set(LEASE, now().plus(lease));
        if (state == State.FENCED) update = update.set(FENCED_AT, now());
        if (state == State.DONE) update = update.set(DONE_AT, now());
        checkOwned(job, update.where(ID.eq(job.id())).and(OWNER.eq(owner)).execute());
    }

    /** Records that {@code rows} rows of {@code table}, up to key {@code key}, are committed on every shard. */
    void progress(ImportJob job, String table, long rows, String key, String owner, Duration lease) {
        String k = key == null ? null : key.substring(0, Math.min(2_000, key.length()));
        checkOwned(job, dsl.update(JOBS).set(P_TABLE, table).set(P_ROWS, rows).set(P_KEY, k).set(UPDATED, now())
                .set(LEASE, now().plus(lease)).where(ID.eq(job.id())).and(OWNER.eq(owner)).execute());
    }

    /** How long the source has been (or was, until DONE) fenced; zero before FENCED. */
    java.time.Duration fencedFor(long id) {
        Record r = dsl.select(FENCED_AT, DONE_AT).from(JOBS).where(ID.eq(id)).fetchOne();
        if (r == null || r.get(FENCED_AT) == null) return Duration.ZERO;
        LocalDateTime end = r.get(DONE_AT) == null ? now() : r.get(DONE_AT);
        return Duration.between(r.get(FENCED_AT), end);
    }

    /** Takes the lease when it is free, expired, or already this owner's; false when another mover holds it. */
    boolean lease(long id, String owner, Duration lease) {
        LocalDateTime now = now();
        return dsl.update(JOBS).set(OWNER, owner).set(LEASE, now.plus(lease)).where(ID.eq(id))
                .and(OWNER.isNull().or(OWNER.eq(owner)).or(LEASE.lt(now))).execute() == 1;
    }

    void release(long id, String owner) {
        try {
            dsl.update(JOBS).setNull(OWNER).setNull(LEASE).where(ID.eq(id)).and(OWNER.eq(owner)).execute();
        } catch (DataAccessException e) {
            // the lease expires on its own
        }
    }

    private static void checkOwned(ImportJob job, int updated) {
        if (updated == 0) {
            throw new ShardException(ShardException.Code.CONFIG, "import job " + job.id() + ": the lease was taken by"
                    + " another mover — this one stops");
        }
    }

    private static ImportJob job(Record r) {
        return new ImportJob(r.get(ID), new Place(r.get(FROM_DB), r.get(FROM_SCHEMA)), r.get(KEY_COLUMN),
                Arrays.asList(r.get(TABLES).split("\n")), State.valueOf(r.get(STATE)), r.get(VERSION), r.get(P_TABLE),
                r.get(P_ROWS), r.get(P_KEY), r.get(OWNER), r.get(DETAIL));
    }

    private static LocalDateTime now() {
        return LocalDateTime.now(ZoneOffset.UTC);
    }
}
