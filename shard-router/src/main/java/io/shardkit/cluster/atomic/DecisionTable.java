package io.shardkit.cluster.atomic;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.table;

import java.time.OffsetDateTime;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.SQLDialect;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * The table that records an atomic transaction's outcome, in every shard's schema: the shard a transaction wrote first
 * holds its row. A row with outcome {@code C} is written in that shard's own transaction, so the shard's COMMIT is the
 * commit point; {@code A} is an abort written by recovery once that transaction is provably gone. {@code shard-migrate}
 * creates it on PostgreSQL shards. On MariaDB (experimental XA participants) it must be InnoDB: the row lock of the
 * coordinator's open transaction is what tells recovery the coordinator still runs.
 */
public final class DecisionTable {
    /** The table's name, in each shard's schema. */
    public static final String NAME = "shardkit_atomic_decisions";

    static final Table<Record> TABLE = table(name(NAME));
    static final Field<String> TX_ID = field(name("tx_id"), String.class);
    static final Field<String> OUTCOME = field(name("outcome"), String.class);
    static final Field<String> PARTICIPANTS = field(name("participants"), String.class);
    static final Field<OffsetDateTime> DECIDED_AT = field(name("decided_at"), OffsetDateTime.class);

    static final String COMMIT = "C";
    static final String ABORT = "A";

    private DecisionTable() {
    }

    /**
     * Creates the table in the shard's schema unless it exists: {@code shard} is the shard's context
     * ({@code cluster.dsl(shardId)}), whose schema mapping places it.
     */
    public static void create(DSLContext shard) {
        if (shard.family() == SQLDialect.MARIADB) {
            shard.createTableIfNotExists(TABLE)
                    .column(TX_ID, SQLDataType.VARCHAR(64).notNull())
                    .column(OUTCOME, SQLDataType.CHAR(1).notNull())
                    .column(PARTICIPANTS, SQLDataType.VARCHAR(4000).notNull())
                    .column(DECIDED_AT.getName(), SQLDataType.TIMESTAMP(6).notNull()
                            .defaultValue(DSL.field("current_timestamp(6)", java.sql.Timestamp.class)))
                    .constraints(DSL.primaryKey(TX_ID), DSL.check(OUTCOME.in(COMMIT, ABORT)))
                    .storage("engine = InnoDB")
                    .execute();
            return;
        }
        shard.createTableIfNotExists(TABLE)
                .column(TX_ID, SQLDataType.VARCHAR(64).notNull())
                .column(OUTCOME, SQLDataType.CHAR(1).notNull())
                .column(PARTICIPANTS, SQLDataType.VARCHAR(4000).notNull())
                .column(DECIDED_AT, SQLDataType.TIMESTAMPWITHTIMEZONE.notNull().defaultValue(DSL.currentOffsetDateTime()))
                .constraints(DSL.primaryKey(TX_ID), DSL.check(OUTCOME.in(COMMIT, ABORT)))
                .execute();
    }

    /**
     * The DDL for {@code dialect}'s family — PostgreSQL, or MariaDB (InnoDB) — idempotent, for a database without
     * schemas per shard (or run in the shard's schema).
     */
    public static String createStatement(SQLDialect dialect) {
        if (dialect.family() != SQLDialect.MARIADB) return createStatement();
        return "create table if not exists " + NAME + " (tx_id varchar(64) not null primary key, outcome char(1) not null"
                + " check (outcome in ('C', 'A')), participants varchar(4000) not null,"
                + " decided_at timestamp(6) not null default current_timestamp(6)) engine = InnoDB";
    }

    /** The PostgreSQL DDL, idempotent, for a database without schemas per shard (or run in the shard's schema). */
    public static String createStatement() {
        return "create table if not exists " + NAME + " (tx_id varchar(64) primary key, outcome char(1) not null"
                + " check (outcome in ('C', 'A')), participants varchar(4000) not null,"
                + " decided_at timestamptz not null default now())";
    }
}
