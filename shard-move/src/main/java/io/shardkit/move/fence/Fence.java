package io.shardkit.move.fence;

import io.shardkit.cluster.ShardMovedException;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.Name;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A write fence in the source database: a row in {@code shardkit_fence} and a trigger on every moving table that
 * reads it. While the row says {@code OPEN} a writer's trigger takes a shared lock on it (held to the writer's
 * commit) and goes on; {@link #close()} locks the row exclusively — so it waits for every writer in flight — and
 * sets {@code CLOSED}, after which every write to those tables fails with SQLSTATE
 * {@value ShardMovedException#SQLSTATE}, from whichever instance, however stale its topology.
 */
public final class Fence {
    private static final Logger LOG = LoggerFactory.getLogger(Fence.class);
    static final String TABLE = "shardkit_fence";
    /** Installing a trigger waits for a table lock; behind a long transaction it would stall every writer queued after it. */
    private static final int LOCK_TIMEOUT_MS = 2_000;
    private static final int ATTEMPTS = 10;

    private final DSLContext db;
    private final String schema; // null: the connection's default
    private final String name;
    private final FenceDialect dialect;

    /**
     * @param db     the source database, with the default settings (quoted names)
     * @param schema the moving shard's schema, or null for the database's default one
     * @param name   which fence this is ("shard:s3", "tenant:42")
     */
    public Fence(DSLContext db, String schema, String name) {
        this.db = db;
        this.schema = schema;
        this.name = name;
        this.dialect = FenceDialect.of(db.dialect().family());
    }

    public String name() {
        return name;
    }

    /** Creates the fence row (OPEN) and a trigger on each table; idempotent, so a resumed move can run it again. */
    public void install(List<String> tables, String keyColumn, Object tenant) {
        db.execute(dialect.createTable(q(TABLE)));
        String tenantText = tenant == null ? null : tenant.toString();
        int rows = db.execute("update " + q(TABLE) + " set state = 'OPEN', key_column = ?, tenant = ? where name = ?",
                keyColumn, tenantText, name);
        if (rows == 0) {
            db.execute("insert into " + q(TABLE) + " (name, state, key_column, tenant) values (?, 'OPEN', ?, ?)", name,
                    keyColumn, tenantText);
        }
        for (String sql : dialect.setUp(schema, q(TABLE))) db.execute(sql);
        for (String table : tables) {
            for (String sql : dialect.triggers(schema, table, q(table), q(TABLE), name, keyColumn, tenant)) {
                withLockTimeout(sql, table);
            }
        }
    }

    /**
     * Closes the fence: waits for the writers in flight (their shared locks) and then refuses every write. Returns
     * once closed, with the token the row now carries; a writer arriving meanwhile waits on the row and is refused
     * when this commits.
     */
    public String close() {
        String token = java.util.UUID.randomUUID().toString();
        setState("CLOSED", token);
        dialect.afterClose(db, q(TABLE), name);
        return token;
    }

    /**
     * Whether this fence's row in {@code replica} (the fence table as logical replication copies it to a move's
     * target) shows the close {@code token}: replication applies transactions in commit order, and every write that
     * got past the fence committed before the close did, so they are all applied there too.
     */
    public boolean closeArrived(DSLContext replica, String replicaSchema, String token) {
        Fence there = new Fence(replica, replicaSchema, name);
        return token.equals(replica.fetchValue("select closed_by from " + there.q(TABLE) + " where name = ?", name));
    }

    /** The fence table, qualified and quoted, for a publication; created if missing. */
    public String table() {
        db.execute(dialect.createTable(q(TABLE)));
        return q(TABLE);
    }

    /** Opens it again (a cancelled move): writes go on as before. Nothing to do where no fence was installed. */
    public void open() {
        if (installed()) setState("OPEN", null);
    }

    private boolean installed() {
        try {
            return db.fetchExists(DSL.selectOne().from(DSL.table(q(TABLE))).where(DSL.field(DSL.name("name")).eq(name)));
        } catch (DataAccessException e) {
            return false; // no fence table
        }
    }

    /** Whether the fence row says CLOSED (false when there is none). */
    public boolean isClosed() {
        try {
            return "CLOSED".equals(db.fetchValue("select state from " + q(TABLE) + " where name = ?", name));
        } catch (DataAccessException e) {
            return false; // no fence table: nothing is fenced
        }
    }

    /** Drops the triggers and the fence row (the table stays for other fences). */
    public void remove(List<String> tables) {
        for (String table : tables) {
            for (String sql : dialect.dropTriggers(schema, table, q(table), name)) withLockTimeout(sql, table);
        }
        try {
            db.execute("delete from " + q(TABLE) + " where name = ?", name);
        } catch (DataAccessException e) {
            LOG.debug("no fence table to clean up: {}", e.getMessage());
        }
    }

    /**
     * Deletes every row of {@code tables} past the fence, which goes on refusing every other writer: the source's copy
     * of a shard that has moved.
     */
    public void deleteBehind(List<String> tables) {
        db.transaction(cfg -> {
            DSLContext tx = DSL.using(cfg);
            for (String s : dialect.bypass()) tx.execute(s);
            try {
                for (String table : tables) tx.execute("delete from " + q(table));
            } finally {
                for (String s : dialect.endBypass()) tx.execute(s);
            }
        });
    }

    /**
     * Deletes the rows {@code pages} reads (a tenant's) past the fence, {@code batch} keys per transaction, so no
     * transaction holds many row locks while the shard's other tenants write on.
     *
     * @return the rows deleted
     */
    public long deleteBehind(io.shardkit.move.copy.KeysetPages pages, int batch) {
        long deleted = 0;
        while (true) {
            List<Object[]> keys = pages.keys(null, batch);
            if (keys.isEmpty()) return deleted;
            deleted += db.transactionResult(cfg -> {
                DSLContext tx = DSL.using(cfg);
                for (String s : dialect.bypass()) tx.execute(s);
                try {
                    return pages.delete(tx, keys);
                } finally {
                    for (String s : dialect.endBypass()) tx.execute(s);
                }
            });
        }
    }

    private void setState(String state, String token) {
        db.transaction(cfg -> {
            DSLContext tx = DSL.using(cfg);
            for (String s : dialect.durableCommit()) tx.execute(s);
            tx.fetch("select state from " + q(TABLE) + " where name = ? for update", name);
            tx.execute("update " + q(TABLE) + " set state = ?, closed_by = ? where name = ?", state, token, name);
        });
    }

    private void withLockTimeout(String sql, String table) {
        for (int attempt = 1; ; attempt++) {
            try {
                db.transaction(cfg -> {
                    DSLContext tx = DSL.using(cfg);
                    for (String s : dialect.lockTimeout(LOCK_TIMEOUT_MS)) tx.execute(s);
                    tx.execute(sql);
                });
                return;
            } catch (DataAccessException e) {
                if (attempt >= ATTEMPTS || !dialect.isLockTimeout(e)) throw e;
                LOG.warn("installing the fence on {} waited {} ms for a table lock (attempt {} of {}); retrying", table,
                        LOCK_TIMEOUT_MS, attempt, ATTEMPTS);
            }
        }
    }

    /**
     * A table of the shard, qualified with its schema: the schema as the cluster renders it (unquoted, so the
     * database folds its case), the table quoted as the database reports it; Shardkit's own tables unquoted.
     */
    String q(String object) {
        Name table = object.equals(TABLE) ? DSL.unquotedName(object) : DSL.quotedName(object);
        return db.render(schema == null ? table : DSL.name(DSL.unquotedName(schema), table));
    }
}
