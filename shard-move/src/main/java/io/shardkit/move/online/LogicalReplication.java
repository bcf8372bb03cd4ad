package io.shardkit.move.online;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL logical replication from a shard's tables to another database: a publication and a slot on the source,
 * a subscription with initial copy on the target. The slot is made first, apart from the subscription, so source and
 * target may be two databases of one server (a subscription creating its own slot there hangs). The subscription's
 * connection string holds the source's password, as PostgreSQL requires; it is never logged or shown.
 */
public final class LogicalReplication {
    private static final Logger LOG = LoggerFactory.getLogger(LogicalReplication.class);
    private static final long CAUGHT_UP_BYTES = 1 << 20;

    private final DSLContext source;
    private final DSLContext target;
    private final String name;

    /** @param name the publication's, slot's and subscription's name (one move: lower case letters, digits, _) */
    public LogicalReplication(DSLContext source, DSLContext target, String name) {
        this.source = source;
        this.target = target;
        this.name = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
    }

    /** Why the source cannot publish (wal_level), or null when it can. */
    public String cannotPublish() {
        String level = value(source, String.class, "show wal_level");
        return "logical".equals(level) ? null : "the source's wal_level is " + level + " — an online move needs"
                + " wal_level = logical (a server restart), or move in block-writes mode";
    }

    /**
     * Publishes {@code tables} (qualified, quoted) and starts the subscription, which copies their rows and then
     * follows every change. Idempotent: what a resumed move finds already there is kept.
     */
    public void start(List<String> tables, String sourceUrl, String user, String password) {
        if (!source.fetchExists(DSL.selectOne().from("pg_publication").where("pubname = ?", name))) {
            source.execute("create publication " + name + " for table " + String.join(", ", tables));
        }
        if (!source.fetchExists(DSL.selectOne().from("pg_replication_slots").where("slot_name = ?", name))) {
            source.execute("select pg_create_logical_replication_slot(?, 'pgoutput')", name);
        }
        if (!target.fetchExists(DSL.selectOne().from("pg_subscription").where("subname = ?", name))) {
            String conninfo = conninfo(sourceUrl, user, password);
            String sql = "create subscription " + name + " connection " + DSL.inline(conninfo) + " publication " + name
                    + " with (copy_data = true, create_slot = false, slot_name = '" + name + "')";
            // plain JDBC, not jOOQ: jOOQ's debug log would print the statement, password and all
            target.connection(c -> {
                try (java.sql.Statement s = c.createStatement()) {
                    s.execute(sql);
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException("cannot create the subscription " + name + " on the target: "
                            + String.valueOf(e.getMessage()).replace(conninfo, "***") + " (SQLState " + e.getSQLState() + ")");
                }
            });
        }
    }

    /** Waits until every table's initial copy is done and the subscription streams. */
    public void awaitCopied(Duration limit) {
        await("the initial copy of " + name, limit, () -> value(target, Long.class, "select count(*) from pg_subscription_rel r"
                + " join pg_subscription s on s.oid = r.srsubid where s.subname = ? and r.srsubstate <> 'r'", name) == 0 && target.fetchExists(DSL.selectOne().from("pg_subscription_rel r join pg_subscription s"
                + " on s.oid = r.srsubid").where("s.subname = ?", name)));
    }

    /** Waits until the target is within 1 MiB of the source's WAL. */
    public void awaitNearlyCaughtUp(Duration limit) {
        await(name + " catching up", limit, () -> lagBytes() <= CAUGHT_UP_BYTES);
    }

    private long lagBytes() {
        Long lag = value(source, Long.class, "select (pg_current_wal_lsn() - confirmed_flush_lsn)::bigint"
                + " from pg_replication_slots where slot_name = ?", name);
        return lag == null ? Long.MAX_VALUE : lag;
    }

    /** Drops the subscription, the slot and the publication; each only if there, so a resumed cleanup finishes. */
    public void stop() {
        if (target.fetchExists(DSL.selectOne().from("pg_subscription").where("subname = ?", name))) {
            target.execute("alter subscription " + name + " disable");
            target.execute("alter subscription " + name + " set (slot_name = none)");
            target.execute("drop subscription " + name);
        }
        for (int attempt = 0; attempt < 50; attempt++) {
            try {
                if (source.fetchExists(DSL.selectOne().from("pg_replication_slots").where("slot_name = ?", name))) {
                    source.execute("select pg_drop_replication_slot(?)", name);
                }
                break;
            } catch (DataAccessException e) { // still active for a moment after the subscription went
                sleep(100);
            }
        }
        source.execute("drop publication if exists " + name);
    }

    /** A libpq connection string for the source's JDBC URL ({@code jdbc:postgresql://host:port/db?...}). */
    static String conninfo(String jdbcUrl, String user, String password) {
        URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
        String host = uri.getHost() == null ? "localhost" : uri.getHost();
        int port = uri.getPort() < 0 ? 5432 : uri.getPort();
        String db = uri.getPath() == null || uri.getPath().length() < 2 ? "postgres" : uri.getPath().substring(1);
        StringBuilder sb = new StringBuilder("host=" + quote(host) + " port=" + port + " dbname=" + quote(db));
        if (user != null) sb.append(" user=").append(quote(user));
        if (password != null && !password.isEmpty()) sb.append(" password=").append(quote(password));
        return sb.toString();
    }

    private static String quote(String v) {
        return "'" + v.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    private static void await(String what, Duration limit, BooleanSupplier done) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(what + " did not finish within " + limit.toSeconds() + " s");
            }
            sleep(50);
        }
        LOG.debug("{}: done", what);
    }

    private static <T> T value(DSLContext db, Class<T> type, String sql, Object... bindings) {
        var row = db.resultQuery(sql, bindings).fetchOne();
        return row == null ? null : row.get(0, type);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
