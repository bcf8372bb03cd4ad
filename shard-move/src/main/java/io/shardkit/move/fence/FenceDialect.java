package io.shardkit.move.fence;

import io.shardkit.cluster.ShardMovedException;
import java.util.List;
import org.jooq.SQLDialect;
import org.jooq.exception.DataAccessException;

/** The fence's SQL for one kind of database: its trigger, its lock timeout and how a lock timeout shows. */
abstract class FenceDialect {
    static final String MESSAGE = "shardkit fence closed";

    static FenceDialect of(SQLDialect family) {
        return switch (family) {
            case POSTGRES -> new Postgres();
            case MARIADB, MYSQL -> new MariaDb();
            case H2 -> new H2();
            default -> throw new IllegalArgumentException("no write fence for " + family);
        };
    }

    /** The fences of one schema: a shard's ({@code key_column} null) or a tenant's. */
    String createTable(String table) {
        return "create table if not exists " + table + " (name varchar(200) not null primary key, state varchar(10) not null,"
                + " key_column varchar(200), tenant varchar(200), closed_by varchar(40))";
    }

    /** Objects the triggers share (a function), created once per schema. */
    List<String> setUp(String schema, String fenceTable) {
        return List.of();
    }

    /**
     * @param keyColumn with {@code tenant}: only writes of rows whose key column equals it are fenced (a tenant move);
     *                  both null for every write to the table (a shard move)
     */
    abstract List<String> triggers(String schema, String table, String quotedTable, String fenceTable, String fence,
                                   String keyColumn, Object tenant);

    abstract List<String> dropTriggers(String schema, String table, String quotedTable, String fence);

    abstract List<String> lockTimeout(int millis);

    /** Statements that make this transaction's commit durable before it returns, whatever the server's default. */
    List<String> durableCommit() {
        return List.of();
    }

    /** Statements that let the rest of the transaction write past the fence (the mover cleaning up); H2 and MariaDB
     * use a session variable, unset after by {@link #endBypass()}. */
    List<String> bypass() {
        return List.of("set @shardkit_fence_bypass = 1");
    }

    List<String> endBypass() {
        return List.of("set @shardkit_fence_bypass = null");
    }

    abstract boolean isLockTimeout(DataAccessException e);

    /** Once the close has committed: waits for writers that got past it on a stale read (H2 only). */
    void afterClose(org.jooq.DSLContext db, String fenceTable, String fence) {
    }

    static String sqlState(DataAccessException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLException s && s.getSQLState() != null) return s.getSQLState();
        }
        return "";
    }

    /** A trigger's name: one per fence and table, within the database's identifier length. */
    static String triggerName(String fence, String table, String suffix) {
        String raw = ("shardkit_fence_" + fence + "_" + table).replaceAll("[^A-Za-z0-9_]", "_").toLowerCase();
        String hash = Integer.toHexString((fence + "/" + table).hashCode());
        String base = raw.length() > 40 ? raw.substring(0, 40) + "_" + hash : raw;
        return base + suffix;
    }

    static String literal(Object value) {
        if (value instanceof Number n) return n.toString();
        return "'" + value.toString().replace("'", "''") + "'";
    }

    private static final class Postgres extends FenceDialect {
        @Override
        List<String> setUp(String schema, String fenceTable) {
            String fn = (schema == null ? "" : schema + ".") + "shardkit_fence_check";
            // TG_ARGV: the fence, then (tenant moves) the key column and the tenant as text
            return List.of("create or replace function " + fn + "() returns trigger language plpgsql as $$\n"
                    + "declare s varchar(10);\n"
                    + "begin\n"
                    + "  if current_setting('shardkit.fence_bypass', true) = 'on' then\n"
                    + "    return case when TG_LEVEL = 'STATEMENT' then null when TG_OP = 'DELETE' then OLD else NEW end;\n"
                    + "  end if;\n"
                    + "  if TG_NARGS > 1 and TG_LEVEL = 'ROW' then\n"
                    + "    if (TG_OP <> 'INSERT' and (to_jsonb(OLD) ->> TG_ARGV[1]) = TG_ARGV[2]) is not true\n"
                    + "       and (TG_OP <> 'DELETE' and (to_jsonb(NEW) ->> TG_ARGV[1]) = TG_ARGV[2]) is not true then\n"
                    + "      return case when TG_OP = 'DELETE' then OLD else NEW end;\n"
                    + "    end if;\n"
                    + "  end if;\n"
                    + "  select state into s from " + fenceTable + " where name = TG_ARGV[0] for share;\n"
                    + "  if s = 'CLOSED' then\n"
                    + "    raise exception '" + MESSAGE + ": % is moving', TG_ARGV[0] using errcode = '"
                    + ShardMovedException.SQLSTATE + "';\n"
                    + "  end if;\n"
                    + "  if TG_LEVEL = 'ROW' then return case when TG_OP = 'DELETE' then OLD else NEW end; end if;\n"
                    + "  return null;\n"
                    + "end $$");
        }

        @Override
        List<String> triggers(String schema, String table, String quotedTable, String fenceTable, String fence,
                              String keyColumn, Object tenant) {
            String fn = (schema == null ? "" : schema + ".") + "shardkit_fence_check";
            String name = triggerName(fence, table, "");
            String drop = "drop trigger if exists " + name + " on " + quotedTable;
            if (keyColumn == null) {
                return List.of(drop, "create trigger " + name + " before insert or update or delete or truncate on "
                        + quotedTable + " for each statement execute function " + fn + "(" + literal(fence) + ")");
            }
            return List.of(drop, "create trigger " + name + " before insert or update or delete on " + quotedTable
                    + " for each row execute function " + fn + "(" + literal(fence) + ", " + literal(keyColumn) + ", "
                    + literal(tenant.toString()) + ")");
        }

        @Override
        List<String> dropTriggers(String schema, String table, String quotedTable, String fence) {
            return List.of("drop trigger if exists " + triggerName(fence, table, "") + " on " + quotedTable);
        }

        @Override
        List<String> lockTimeout(int millis) {
            return List.of("set local lock_timeout = " + millis);
        }

        @Override
        List<String> bypass() {
            return List.of("set local shardkit.fence_bypass = 'on'");
        }

        /** The close is flushed at once: a WAL sender sends only flushed WAL, and an online cutover waits for it. */
        @Override
        List<String> durableCommit() {
            return List.of("set local synchronous_commit = on");
        }

        @Override
        List<String> endBypass() {
            return List.of(); // SET LOCAL ends with the transaction
        }

        @Override
        boolean isLockTimeout(DataAccessException e) {
            return sqlState(e).equals("55P03");
        }
    }

    private static final class MariaDb extends FenceDialect {
        @Override
        List<String> triggers(String schema, String table, String quotedTable, String fenceTable, String fence,
                              String keyColumn, Object tenant) {
            List<String> sql = new java.util.ArrayList<>();
            for (String event : List.of("insert", "update", "delete")) {
                String name = (schema == null ? "" : schema + ".") + triggerName(fence, table, "_" + event.charAt(0));
                String closed = "(select state from " + fenceTable + " where name = " + literal(fence)
                        + " lock in share mode) = 'CLOSED'";
                if (keyColumn != null) {
                    String column = "`" + keyColumn.replace("`", "``") + "`";
                    String t = literal(tenant);
                    String mine = switch (event) {
                        case "insert" -> "NEW." + column + " = " + t;
                        case "delete" -> "OLD." + column + " = " + t;
                        default -> "(NEW." + column + " = " + t + " or OLD." + column + " = " + t + ")";
                    };
                    closed = mine + " and " + closed;
                }
                closed = "@shardkit_fence_bypass is null and " + closed;
                sql.add("drop trigger if exists " + name);
                sql.add("create trigger " + name + " before " + event + " on " + quotedTable + " for each row begin if "
                        + closed + " then signal sqlstate '" + ShardMovedException.SQLSTATE + "' set message_text = '"
                        + MESSAGE + ": " + fence.replace("'", "''") + " is moving'; end if; end");
            }
            return sql;
        }

        @Override
        List<String> dropTriggers(String schema, String table, String quotedTable, String fence) {
            return List.of("insert", "update", "delete").stream().map(e -> "drop trigger if exists "
                    + (schema == null ? "" : schema + ".") + triggerName(fence, table, "_" + e.charAt(0))).toList();
        }

        @Override
        List<String> lockTimeout(int millis) {
            return List.of("set session lock_wait_timeout = " + Math.max(1, millis / 1000));
        }

        @Override
        boolean isLockTimeout(DataAccessException e) {
            return sqlState(e).equals("HY000") && String.valueOf(e.getMessage()).contains("Lock wait timeout");
        }
    }

    /** H2 runs a Java trigger, one per table, that reads every fence row of the schema (see {@link H2FenceTrigger}). */
    private static final class H2 extends FenceDialect {
        @Override
        List<String> triggers(String schema, String table, String quotedTable, String fenceTable, String fence,
                              String keyColumn, Object tenant) {
            String name = (schema == null ? "" : schema + ".") + triggerName("", table, "");
            return List.of("drop trigger if exists " + name, "create trigger " + name + " before insert, update, delete on "
                    + quotedTable + " for each row call '" + H2FenceTrigger.class.getName() + "'");
        }

        @Override
        List<String> dropTriggers(String schema, String table, String quotedTable, String fence) {
            return List.of("drop trigger if exists " + (schema == null ? "" : schema + ".") + triggerName("", table, ""));
        }

        @Override
        List<String> lockTimeout(int millis) {
            return List.of("set lock_timeout " + millis);
        }

        @Override
        boolean isLockTimeout(DataAccessException e) {
            return sqlState(e).equals("HYT00");
        }

        /**
         * H2 runs a trigger's statements on the snapshot of the statement that fired it: a writer whose INSERT began
         * before the close committed waits for the fence row's lock, then still reads OPEN and writes (an import under
         * six writers saw 3 such rows land after the close). So: wait until every statement that began before the
         * close has ended, then take the fence row's lock once more, which waits for those writers' commits.
         */
        @Override
        void afterClose(org.jooq.DSLContext db, String fenceTable, String fence) {
            Object closed = db.fetchValue("select current_timestamp(9)");
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (System.nanoTime() < deadline && ((Number) db.fetchValue("select count(*) from information_schema.sessions"
                    + " where session_id <> session_id() and executing_statement_start < ?", closed)).longValue() > 0) {
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            db.transaction(cfg -> org.jooq.impl.DSL.using(cfg).fetch("select state from " + fenceTable
                    + " where name = ? for update", fence));
        }
    }
}
