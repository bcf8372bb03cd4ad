package io.shardkit.move.verify;

import io.shardkit.move.copy.Catalog;
import io.shardkit.move.copy.TableInfo;
import io.shardkit.test.EmbeddedShards;
import io.shardkit.test.Engine;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.jooq.DSLContext;
import org.jooq.ExecuteContext;
import org.jooq.ExecuteListener;
import org.jooq.Field;
import org.jooq.Query;
import org.jooq.impl.DSL;

/**
 * Three databases of one engine — source, target, control — and an {@code orders} table of narrow rows: text with
 * separators, NULLs, decimals, timestamps with microseconds, booleans and bytes. Each database's queries and the
 * rows they return are counted.
 */
final class VerifyFixture implements AutoCloseable {
    final Engine engine;
    final EmbeddedShards dbs;
    final DSLContext source;
    final DSLContext target;
    final DSLContext control;
    final Counter sourceCount = new Counter();
    final Counter targetCount = new Counter();
    private final List<Connection> connections = new ArrayList<>();

    /** Queries run and rows fetched, on one database. */
    static final class Counter implements ExecuteListener {
        final AtomicLong queries = new AtomicLong();
        final AtomicLong rows = new AtomicLong();

        @Override
        public void executeEnd(ExecuteContext ctx) {
            queries.incrementAndGet();
        }

        @Override
        public void recordEnd(ExecuteContext ctx) {
            rows.incrementAndGet();
        }

        void reset() {
            queries.set(0);
            rows.set(0);
        }
    }

    VerifyFixture(Engine engine) throws SQLException {
        this.engine = engine;
        this.dbs = EmbeddedShards.start(engine, 3);
        this.source = dsl(0, sourceCount);
        this.target = dsl(1, targetCount);
        this.control = dsl(2, null);
    }

    private DSLContext dsl(int i, Counter counter) throws SQLException {
        Connection c = dbs.database(i).open();
        connections.add(c);
        DSLContext db = DSL.using(c);
        return counter == null ? db : db.configuration().derive(counter).dsl();
    }

    String bytesType() {
        return engine == Engine.POSTGRES ? "bytea" : "varbinary(16)";
    }

    String timestampType() {
        return engine == Engine.MARIADB ? "datetime(6)" : "timestamp(6)";
    }

    /** {@code orders} on source and target, each holding the rows of {@code ids}. */
    void orders(List<Long> ids) {
        for (DSLContext db : List.of(source, target)) {
            db.execute("create table orders (id bigint primary key, tenant_id int not null, note varchar(60),"
                    + " amount decimal(12,2), created " + timestampType() + ", paid boolean, data " + bytesType() + ")");
            insertOrders(db, ids);
        }
    }

    static void insertOrders(DSLContext db, List<Long> ids) {
        List<Field<Object>> columns = List.of("id", "tenant_id", "note", "amount", "created", "paid", "data").stream()
                .map(c -> DSL.field(DSL.unquotedName(c))).toList();
        List<Query> inserts = new ArrayList<>();
        for (int from = 0; from < ids.size(); from += 1_000) {
            var insert = db.insertInto(DSL.table(DSL.unquotedName("orders")), columns);
            for (long id : ids.subList(from, Math.min(ids.size(), from + 1_000))) {
                insert = insert.values(new Object[] {id, (int) (id % 10), note(id), BigDecimal.valueOf(id % 100_000, 2),
                        LocalDateTime.of(2026, 1, 1, 0, 0).plusSeconds(id).plusNanos(id % 1000 * 1000), id % 2 == 0,
                        id % 7 == 0 ? null : new byte[] {(byte) id, 0, (byte) (id >> 8)}});
            }
            inserts.add(insert);
        }
        db.batch(inserts).execute();
    }

    /** Text a naive encoding would confuse: separators, quotes, a newline, an empty string, the word null, NULL. */
    static String note(long id) {
        return switch ((int) (id % 6)) {
            case 0 -> "note " + id;
            case 1 -> "a|b,c;'d'\"e\"\n" + id;
            case 2 -> "";
            case 3 -> "null";
            case 4 -> null;
            default -> "\u0001:" + id + ":";
        };
    }

    static List<Long> range(long from, long to, long step) {
        List<Long> ids = new ArrayList<>();
        for (long id = from; id <= to; id += step) ids.add(id);
        return ids;
    }

    TableInfo table(String name) {
        return Catalog.tables(source, null).stream().filter(t -> t.name().equalsIgnoreCase(name)).findFirst().orElseThrow();
    }

    ChunkedDiff.Builder diff(String table) {
        return ChunkedDiff.builder().source(source, null).target(target, null).tables(List.of(table(table)));
    }

    @Override
    public void close() throws SQLException {
        for (Connection c : connections) c.close();
        dbs.close();
    }
}
