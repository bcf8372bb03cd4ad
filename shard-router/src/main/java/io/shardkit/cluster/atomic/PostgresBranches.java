package io.shardkit.cluster.atomic;

import io.shardkit.cluster.Shard;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;

/**
 * PostgreSQL's prepared transactions: PREPARE TRANSACTION names a branch by its {@link Gid} text, which
 * {@code pg_prepared_xacts} lists with the time it was prepared.
 */
final class PostgresBranches extends PreparedBranches {
    static final PostgresBranches INSTANCE = new PostgresBranches();

    private static final String UNIQUE_VIOLATION = "23505";
    private static final String LOCK_NOT_AVAILABLE = "55P03";
    private static final String UNDEFINED_OBJECT = "42704";

    private PostgresBranches() {
    }

    @Override
    void begin(Connection c, DSLContext dsl, Gid gid) throws SQLException {
        c.setAutoCommit(false);
    }

    @Override
    void prepare(Connection c, DSLContext dsl, Gid gid) {
        dsl.execute("prepare transaction " + literal(gid.text()));
    }

    /** Outside any transaction block. */
    @Override
    void finish(Connection c, DSLContext dsl, Gid gid, boolean commit) throws SQLException {
        c.setAutoCommit(true);
        dsl.execute((commit ? "commit prepared " : "rollback prepared ") + literal(gid.text()));
    }

    @Override
    void rollbackUnprepared(Connection c, DSLContext dsl, Gid gid) throws SQLException {
        if (!c.isClosed() && !c.getAutoCommit()) c.rollback();
    }

    @Override
    boolean unknownBranch(Throwable e) {
        return UNDEFINED_OBJECT.equals(sqlState(e));
    }

    @Override
    Session writeDecision(DSLContext d, String transaction, String participants) {
        var r = d.insertInto(DecisionTable.TABLE)
                .columns(DecisionTable.TX_ID, DecisionTable.OUTCOME, DecisionTable.PARTICIPANTS)
                .values(transaction, DecisionTable.COMMIT, participants)
                .returningResult(DSL.field("pg_backend_pid()", Integer.class), DSL.field(
                        "(select backend_start::text from pg_stat_activity where pid = pg_backend_pid())", String.class))
                .fetchOne();
        return new Session(r.value1(), r.value2());
    }

    /** Only the backend with that process id and start time: not a later session that got the same id. */
    @Override
    void endSession(DSLContext admin, Session session) {
        String same = " from pg_stat_activity where pid = " + session.id() + " and backend_start::text = "
                + literal(String.valueOf(session.startedAt()));
        admin.fetch("select pg_terminate_backend(pid)" + same);
        for (int i = 0; i < 50; i++) {
            if (((Number) admin.fetchValue("select count(*)" + same)).intValue() == 0) return;
            sleep(20);
        }
    }

    @Override
    void limitLockWait(DSLContext probe, Duration wait) {
        probe.execute("set local lock_timeout = " + literal(Math.max(1, wait.toMillis()) + "ms"));
    }

    @Override
    void restoreLockWait(DSLContext probe) {
        // SET LOCAL ended with the probe's transaction
    }

    @Override
    boolean lockTimeout(Throwable e) {
        return LOCK_NOT_AVAILABLE.equals(sqlState(e));
    }

    @Override
    boolean duplicateKey(Throwable e) {
        return UNIQUE_VIOLATION.equals(sqlState(e));
    }

    /** With their age by the server's clock. */
    @Override
    List<Listed> prepared(Shard db, DSLContext dsl, String cluster) {
        List<Listed> out = new ArrayList<>();
        var result = dsl.resultQuery("select gid, extract(epoch from now() - prepared) from"
                + " pg_prepared_xacts where database = current_database() and gid like {0}",
                DSL.inline(Gid.prefix(cluster).replace("%", "\\%").replace("_", "\\_") + "%")).fetch();
        for (var r : result) {
            String text = r.get(0, String.class);
            Gid gid = Gid.parse(text);
            // another cluster's naming, or not written by Gid (finished by its own text only)
            if (gid == null || !gid.participant().equals(db.database()) || !gid.text().equals(text)) continue;
            out.add(new Listed(gid, Recovery.seconds(r.get(1, BigDecimal.class))));
        }
        return out;
    }

    @Override
    Field<BigDecimal> secondsSince(Field<?> at) {
        return DSL.field("extract(epoch from now() - {0})", BigDecimal.class, at);
    }

    @Override
    List<String> serverProblems(Shard db, DSLContext dsl, String cluster) {
        List<String> problems = new ArrayList<>();
        int max = Integer.parseInt(String.valueOf(dsl.fetchValue("show max_prepared_transactions")).strip());
        if (max <= 0) {
            problems.add("database " + db.database() + " has max_prepared_transactions = 0: set it above 0 (at"
                    + " least the number of concurrent atomic transactions; on standbys too) and restart the server");
        }
        boolean superuser = Boolean.TRUE.equals(dsl.fetchValue("select rolsuper from pg_roles where rolname = current_user"));
        if (!superuser) {
            List<?> owners = dsl.fetchValues("select distinct owner from pg_prepared_xacts"
                    + " where gid like {0} and owner <> current_user", DSL.inline(Gid.prefix(cluster) + "%"));
            if (!owners.isEmpty()) {
                problems.add("database " + db.database() + " holds prepared transactions of this cluster owned by "
                        + owners + ": only that role or a superuser can finish them; run every instance as one role");
            }
        }
        return problems;
    }

    @Override
    String tableProblem(Shard shard) {
        return null;
    }
}
