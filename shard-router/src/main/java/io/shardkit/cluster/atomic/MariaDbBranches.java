package io.shardkit.cluster.atomic;

import io.shardkit.cluster.Shard;
import io.shardkit.router.ShardException;
import java.math.BigDecimal;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;

/**
 * MariaDB's XA (experimental; from 10.5.2 a prepared branch survives its connection and a crash of the server). An xid
 * has a gtrid and a branch qualifier of at most 64 bytes each: the gtrid is the transaction id, the qualifier
 * {@code <cluster>:<decision shard>:<participant>} (URL-encoded, as in {@link Gid}), the format id Shardkit's own.
 * {@code XA RECOVER} lists the prepared branches of the whole server, with no time: see {@link BranchSightings}.
 */
final class MariaDbBranches extends PreparedBranches {
    static final MariaDbBranches INSTANCE = new MariaDbBranches();

    /** "SHK": tells Shardkit's xids from any other transaction manager's on the same server. */
    static final int FORMAT_ID = 0x53484B;
    static final int MAX_PART = 64;

    private static final int DUPLICATE_KEY = 1062;
    private static final int LOCK_WAIT_TIMEOUT = 1205;
    private static final int XAER_NOTA = 1397;
    private static final int UNKNOWN_THREAD = 1094;

    private MariaDbBranches() {
    }

    /** The xid as XA statements take it: {@code 'gtrid','bqual',formatID}; too long a name fails here, before XA START. */
    static String xid(Gid gid) {
        String bqual = qualifierPrefix(gid.cluster()) + encode(gid.decisionShard().value()) + ":" + encode(gid.participant());
        int gtridBytes = gid.transaction().getBytes(StandardCharsets.UTF_8).length;
        int bqualBytes = bqual.getBytes(StandardCharsets.UTF_8).length;
        if (gtridBytes > MAX_PART || bqualBytes > MAX_PART) {
            throw new ShardException(ShardException.Code.CONFIG, "atomic transaction " + gid.transaction() + " cannot"
                    + " name its MariaDB XA branch on " + gid.participant() + ": the transaction id takes " + gtridBytes
                    + " bytes and cluster:decision shard:participant (" + bqual + ") " + bqualBytes + " bytes, at most "
                    + MAX_PART + " each — shorten the cluster, shard or database names");
        }
        return literal(gid.transaction()) + "," + literal(bqual) + "," + FORMAT_ID;
    }

    @Override
    void begin(Connection c, DSLContext dsl, Gid gid) {
        dsl.execute("xa start " + xid(gid));
    }

    @Override
    void prepare(Connection c, DSLContext dsl, Gid gid) {
        dsl.execute("xa end " + xid(gid));
        dsl.execute("xa prepare " + xid(gid));
    }

    @Override
    void finish(Connection c, DSLContext dsl, Gid gid, boolean commit) {
        dsl.execute((commit ? "xa commit " : "xa rollback ") + xid(gid));
    }

    /** XA END if it is still active (an error if it is not: ignored), then XA ROLLBACK. */
    @Override
    void rollbackUnprepared(Connection c, DSLContext dsl, Gid gid) {
        try {
            dsl.execute("xa end " + xid(gid));
        } catch (RuntimeException ended) {
            // ended already (its PREPARE failed) or never started
        }
        dsl.execute("xa rollback " + xid(gid));
    }

    @Override
    boolean unknownBranch(Throwable e) {
        return errorCode(e) == XAER_NOTA;
    }

    @Override
    Session writeDecision(DSLContext d, String transaction, String participants) {
        d.insertInto(DecisionTable.TABLE)
                .columns(DecisionTable.TX_ID, DecisionTable.OUTCOME, DecisionTable.PARTICIPANTS)
                .values(transaction, DecisionTable.COMMIT, participants).execute();
        // MariaDB's connection ids grow and are not reused while the server runs: the id alone names the session
        return new Session(((Number) d.fetchValue("select connection_id()")).intValue(), null);
    }

    @Override
    void endSession(DSLContext admin, Session s) {
        int session = s.id();
        try {
            admin.execute("kill connection " + session);
        } catch (RuntimeException e) {
            if (errorCode(e) != UNKNOWN_THREAD) throw e; // gone already
        }
        for (int i = 0; i < 50; i++) {
            if (((Number) admin.fetchValue("select count(*) from information_schema.processlist where id = " + session))
                    .intValue() == 0) return;
            sleep(20);
        }
    }

    /** Whole seconds, at least 1: the finest wait InnoDB takes. */
    @Override
    void limitLockWait(DSLContext probe, Duration wait) {
        long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
        probe.execute("set session innodb_lock_wait_timeout = " + seconds);
    }

    @Override
    void restoreLockWait(DSLContext probe) {
        try {
            probe.execute("set session innodb_lock_wait_timeout = default");
        } catch (RuntimeException e) {
            // a broken connection: the pool drops it, and the probe's own failure is the one to report
        }
    }

    @Override
    boolean lockTimeout(Throwable e) {
        return errorCode(e) == LOCK_WAIT_TIMEOUT;
    }

    @Override
    boolean duplicateKey(Throwable e) {
        return errorCode(e) == DUPLICATE_KEY;
    }

    /** From {@code XA RECOVER}: the server's prepared branches, of every database; no age (the server keeps none). */
    @Override
    List<Listed> prepared(Shard db, DSLContext dsl, String cluster) {
        String prefix = qualifierPrefix(cluster);
        return dsl.connectionResult(c -> {
            List<Listed> out = new ArrayList<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("xa recover")) {
                while (rs.next()) {
                    if (rs.getInt("formatID") != FORMAT_ID) continue; // another transaction manager's
                    byte[] data = rs.getBytes("data");
                    int gtridLength = rs.getInt("gtrid_length");
                    String gtrid = new String(data, 0, gtridLength, StandardCharsets.UTF_8);
                    String bqual = new String(data, gtridLength, rs.getInt("bqual_length"), StandardCharsets.UTF_8);
                    if (!bqual.startsWith(prefix)) continue; // another cluster's
                    String[] parts = bqual.substring(prefix.length()).split(":", -1);
                    if (parts.length != 2) continue;
                    Gid gid = new Gid(cluster, gtrid, io.shardkit.router.ShardId.of(decode(parts[0])), decode(parts[1]));
                    if (gid.participant().equals(db.database())) out.add(new Listed(gid, null));
                }
            }
            return out;
        });
    }

    @Override
    Field<BigDecimal> secondsSince(Field<?> at) {
        return DSL.field("timestampdiff(microsecond, {0}, current_timestamp(6)) / 1000000", BigDecimal.class, at);
    }

    /** A version that keeps prepared branches, and a role that may list them. */
    @Override
    List<String> serverProblems(Shard db, DSLContext dsl, String cluster) {
        List<String> problems = new ArrayList<>();
        String version = String.valueOf(dsl.fetchValue("select version()"));
        if (!keepsPreparedBranches(version)) {
            problems.add("database " + db.database() + " runs MariaDB " + version + ", which rolls back a prepared XA"
                    + " branch when its connection closes: MariaDB participants need 10.5.2 or later (MDEV-742)");
        }
        try {
            dsl.fetch("xa recover");
        } catch (RuntimeException e) {
            problems.add("database " + db.database() + " refuses XA RECOVER to this role (" + e.getMessage() + "):"
                    + " recovery needs it; grant the role the right to list and finish XA transactions");
        }
        return problems;
    }

    /** The decision row's lock is what tells a live coordinator: only a transactional engine keeps it. */
    @Override
    String tableProblem(Shard shard) {
        Object engine = shard.dsl().fetchValue("select engine from information_schema.tables where table_schema = "
                + "coalesce({0}, database()) and table_name = {1}", DSL.val(shard.schema().orElse(null), String.class),
                DSL.val(DecisionTable.NAME));
        return "InnoDB".equalsIgnoreCase(String.valueOf(engine)) ? null : "shard " + shard.id() + "'s table "
                + DecisionTable.NAME + " uses the " + engine + " engine: it must be InnoDB (alter table "
                + DecisionTable.NAME + " engine = InnoDB)";
    }

    static boolean keepsPreparedBranches(String version) {
        String[] v = version.split("[.-]");
        try {
            int major = Integer.parseInt(v[0]);
            int minor = Integer.parseInt(v[1]);
            int patch = Integer.parseInt(v[2]);
            return major > 10 || major == 10 && (minor > 5 || minor == 5 && patch >= 2);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static String qualifierPrefix(String cluster) {
        return encode(cluster) + ":";
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
