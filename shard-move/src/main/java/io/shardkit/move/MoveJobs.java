package io.shardkit.move;

import io.shardkit.move.MoveReport.Place;
import io.shardkit.router.ShardException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
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
 * Moves as rows in the control database ({@code shardkit_move_jobs}): each step of a move records the state it
 * reached, so a mover that dies is resumed (or cancelled) from there by another; one mover at a time holds a job's
 * lease.
 */
final class MoveJobs {
    private static final Table<Record> JOBS = DSL.table(DSL.name("shardkit_move_jobs"));
    private static final Field<Long> ID = DSL.field(DSL.name("id"), SQLDataType.BIGINT.notNull());
    private static final Field<String> SHARD = DSL.field(DSL.name("shard"), SQLDataType.VARCHAR(200).notNull());
    private static final Field<String> FROM_DB = DSL.field(DSL.name("from_db"), SQLDataType.VARCHAR(200).notNull());
    private static final Field<String> FROM_SCHEMA = DSL.field(DSL.name("from_schema"), SQLDataType.VARCHAR(200));
    private static final Field<String> TO_DB = DSL.field(DSL.name("to_db"), SQLDataType.VARCHAR(200).notNull());
    private static final Field<String> TO_SCHEMA = DSL.field(DSL.name("to_schema"), SQLDataType.VARCHAR(200));
    private static final Field<String> MODE = DSL.field(DSL.name("mode"), SQLDataType.VARCHAR(20).notNull());
    private static final Field<String> STATE = DSL.field(DSL.name("state"), SQLDataType.VARCHAR(20).notNull());
    private static final Field<Long> VERSION = DSL.field(DSL.name("version"), SQLDataType.BIGINT);
    private static final Field<String> OWNER = DSL.field(DSL.name("lease_owner"), SQLDataType.VARCHAR(200));
    private static final Field<LocalDateTime> LEASE = DSL.field(DSL.name("lease_until"), SQLDataType.LOCALDATETIME(3));
    private static final Field<LocalDateTime> UPDATED = DSL.field(DSL.name("updated_at"), SQLDataType.LOCALDATETIME(3).notNull());
    private static final Field<String> DETAIL = DSL.field(DSL.name("detail"), SQLDataType.VARCHAR(2000));
    private static final Field<String> TENANT = DSL.field(DSL.name("tenant"), SQLDataType.VARCHAR(200));
    private static final Field<String> KEY_COLUMN = DSL.field(DSL.name("key_column"), SQLDataType.VARCHAR(200));
    private static final Field<String> TO_SHARD = DSL.field(DSL.name("to_shard"), SQLDataType.VARCHAR(200));

    /** Named one by one: an untyped table's columns come back in the database's case, which a lookup would miss. */
    private static final List<Field<?>> COLUMNS = List.of(ID, SHARD, FROM_DB, FROM_SCHEMA, TO_DB, TO_SCHEMA, MODE, STATE,
            VERSION, OWNER, LEASE, UPDATED, DETAIL, TENANT, KEY_COLUMN, TO_SHARD);

    private final DSLContext dsl;

    MoveJobs(DSLContext control) {
        this.dsl = control;
        dsl.createTableIfNotExists(JOBS).columns(COLUMNS).primaryKey(ID).execute();
    }

    /**
     * A new job, PLANNED, leased to {@code owner}; refused while another job moves the shard, moves a tenant out of
     * it or into it. {@code tenant}, {@code keyColumn} and {@code toShard}: a tenant move's, else null.
     */
    MoveJob create(String shard, Place from, Place to, MoveMode mode, String owner, Duration lease, String tenant,
                   String keyColumn, String toShard) {
        for (int attempt = 0; ; attempt++) {
            for (String involved : toShard == null ? List.of(shard) : List.of(shard, toShard)) {
                Optional<MoveJob> active = active(involved);
                if (active.isPresent()) {
                    MoveJob a = active.get();
                    throw new MoveRefusedException("job " + a.id() + " is moving " + a.what() + " (" + a.state() + ") — "
                            + (a.state() == MoveJob.State.SWITCHED ? "finish it first" : "resume it, or cancel it first"));
                }
            }
            long id = Optional.ofNullable(dsl.select(DSL.max(ID)).from(JOBS).fetchOne(0, Long.class)).orElse(0L) + 1;
            try {
                dsl.insertInto(JOBS, ID, SHARD, FROM_DB, FROM_SCHEMA, TO_DB, TO_SCHEMA, MODE, STATE, OWNER, LEASE, UPDATED,
                                TENANT, KEY_COLUMN, TO_SHARD)
                        .values(id, shard, from.database(), from.schema(), to.database(), to.schema(), mode.name(),
                                MoveJob.State.PLANNED.name(), owner, now().plus(lease), now(), tenant, keyColumn, toShard)
                        .execute();
                return get(id);
            } catch (IntegrityConstraintViolationException raced) {
                if (attempt > 5) throw raced;
            }
        }
    }

    MoveJob get(long id) {
        return dsl.select(COLUMNS).from(JOBS).where(ID.eq(id)).fetchOptional().map(MoveJobs::job)
                .orElseThrow(() -> new MoveRefusedException("no move job " + id));
    }

    List<MoveJob> all() {
        return dsl.select(COLUMNS).from(JOBS).orderBy(ID).fetch().map(MoveJobs::job);
    }

    /** A job moving the shard, or a tenant out of or into it, that is neither finished nor cancelled, if any. */
    Optional<MoveJob> active(String shard) {
        return dsl.select(COLUMNS).from(JOBS).where(SHARD.eq(shard).or(TO_SHARD.eq(shard))).and(STATE.notIn(MoveJob.State.FINISHED.name(),
                MoveJob.State.CANCELLED.name())).orderBy(ID.desc()).limit(1).fetchOptional().map(MoveJobs::job);
    }

    /** Records {@code state}, only while {@code owner} holds the lease (which it renews). */
    void advance(MoveJob job, MoveJob.State state, Long version, String detail, String owner, Duration lease) {
        int n = dsl.update(JOBS).set(STATE, state.name()).set(VERSION, version == null ? job.version() : version)
                .set(DETAIL, detail == null ? null : detail.substring(0, Math.min(2_000, detail.length())))
                .set(UPDATED, now()).set(LEASE, now().plus(lease))
                .where(ID.eq(job.id())).and(OWNER.eq(owner)).execute();
        if (n == 0) {
            throw new ShardException(ShardException.Code.CONFIG, "move job " + job.id() + ": the lease was taken by"
                    + " another mover — this one stops");
        }
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

    private static MoveJob job(Record r) {
        return new MoveJob(r.get(ID), r.get(SHARD), new Place(r.get(FROM_DB), r.get(FROM_SCHEMA)),
                new Place(r.get(TO_DB), r.get(TO_SCHEMA)), MoveMode.valueOf(r.get(MODE)), MoveJob.State.valueOf(r.get(STATE)),
                r.get(VERSION), r.get(OWNER), r.get(DETAIL), r.get(TENANT), r.get(KEY_COLUMN), r.get(TO_SHARD));
    }

    private static LocalDateTime now() {
        return LocalDateTime.now(ZoneOffset.UTC);
    }
}
