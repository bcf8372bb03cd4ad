package io.shardkit.cluster.atomic;

import io.shardkit.cluster.Shard;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.SQLDialect;

/**
 * The SQL of prepared branches on one kind of database: PostgreSQL's PREPARE TRANSACTION, or MariaDB's XA
 * (experimental). The protocol — {@link TwoPhaseCommit}, {@link Probe}, {@link Recovery} — is the same on both.
 */
abstract sealed class PreparedBranches permits PostgresBranches, MariaDbBranches {
    /** A prepared branch of this cluster that a database lists; {@code age} null when the server keeps none. */
    record Listed(Gid gid, Duration age) {
    }

    /** The branches' SQL for the shard's database, or null when it cannot hold a prepared branch (H2, MySQL). */
    static PreparedBranches of(SQLDialect dialect) {
        return switch (dialect.family()) {
            case POSTGRES -> PostgresBranches.INSTANCE;
            case MARIADB -> MariaDbBranches.INSTANCE;
            default -> null;
        };
    }

    static PreparedBranches of(Shard shard) {
        return of(shard.dialect());
    }

    /** Begins a participant's branch on a fresh connection: a local transaction, or XA START of {@code gid}. */
    abstract void begin(Connection c, DSLContext dsl, Gid gid) throws SQLException;

    /** Prepares the branch on its own connection: it then survives that connection and server restarts. */
    abstract void prepare(Connection c, DSLContext dsl, Gid gid) throws SQLException;

    /** COMMIT or ROLLBACK of a prepared branch, on its own connection or any other of its server. */
    abstract void finish(Connection c, DSLContext dsl, Gid gid, boolean commit) throws SQLException;

    /** Rolls back a branch that is not prepared (its XA END first on MariaDB); may throw, the caller ignores it. */
    abstract void rollbackUnprepared(Connection c, DSLContext dsl, Gid gid) throws SQLException;

    /** Whether finishing failed because the branch is gone: finished meanwhile by its coordinator or a recoverer. */
    abstract boolean unknownBranch(Throwable e);

    /**
     * D's session that holds the decision row: its id, and (PostgreSQL) when it started, since a process id can be
     * reused by a later session once this one is gone.
     */
    record Session(int id, Object startedAt) {
    }

    /** Inserts the decision row in D's open transaction; returns D's session, for {@link #endSession}. */
    abstract Session writeDecision(DSLContext d, String transaction, String participants);

    /** Ends that very session of D's server, if it still exists, and waits (briefly) until it is gone. */
    abstract void endSession(DSLContext admin, Session session);

    /** Limits the wait on row locks for the probe's insert, in the probe's open transaction. */
    abstract void limitLockWait(DSLContext probe, Duration wait);

    /** Undoes {@link #limitLockWait} before the connection goes back to its pool. */
    abstract void restoreLockWait(DSLContext probe);

    abstract boolean lockTimeout(Throwable e);

    abstract boolean duplicateKey(Throwable e);

    /** This cluster's prepared branches whose participant is {@code db}'s database. */
    abstract List<Listed> prepared(Shard db, DSLContext dsl, String cluster);

    /** Seconds since {@code at}, by the server's clock. */
    abstract Field<BigDecimal> secondsSince(Field<?> at);

    /** What keeps a commit across this server's databases from working, each with what to do. */
    abstract List<String> serverProblems(Shard db, DSLContext dsl, String cluster);

    /** What is wrong with the decision table in the shard's schema, or null; the table exists. */
    abstract String tableProblem(Shard shard);

    /** The SQLState of the first SQLException among {@code e}'s causes, or null. */
    static String sqlState(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && s.getSQLState() != null) return s.getSQLState();
        }
        return null;
    }

    /** The vendor error code of the first SQLException among {@code e}'s causes, or 0. */
    static int errorCode(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && s.getErrorCode() != 0) return s.getErrorCode();
        }
        return 0;
    }

    static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new io.shardkit.router.ShardException(io.shardkit.router.ShardException.Code.INTERRUPTED,
                    "interrupted while settling an atomic commit", e);
        }
    }
}
