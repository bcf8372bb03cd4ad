package io.shardkit.move.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkit.move.copy.KeysetPages;
import io.shardkit.test.EmbeddedShards;
import io.shardkit.test.Engine;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Chunked, hashed verify on H2, PostgreSQL and MariaDB: clean tables by hashes alone, every differing key named. */
class ChunkedDiffTest {
    private VerifyFixture f;

    @AfterEach
    void close() throws Exception {
        if (f != null) f.close();
    }

    /** Each mismatch as "KIND key", sorted. */
    static Map<String, String> found(DiffReport r) {
        Map<String, String> found = new TreeMap<>();
        for (Mismatch m : r.mismatches()) found.put(String.join(",", m.key()), m.kind().name());
        return found;
    }

    @ParameterizedTest
    @EnumSource(value = Engine.class, names = {"H2", "POSTGRES", "MARIADB"})
    void aCleanTableIsVerifiedByHashesAloneWithoutFetchingItsRows(Engine engine) throws Exception {
        f = new VerifyFixture(engine);
        f.orders(VerifyFixture.range(1, 20_000, 1));
        List<VerifyChunk> chunks = new ArrayList<>();
        ChunkedDiff diff = f.diff("orders").chunkSize(1_000).onChunk(chunks::add).build();
        f.sourceCount.reset();
        f.targetCount.reset();

        DiffReport r = diff.run();

        assertTrue(r.clean(), r.mismatches()::toString);
        assertEquals(20_000, r.rows());
        // 20 chunks of 1,000 rows, then the open-ended last chunk, which finds nothing past the source's last key
        assertEquals(21, r.chunks());
        assertEquals(0, r.chunksBisected());
        assertEquals(0, r.rowsFetched());
        assertTrue(chunks.stream().allMatch(VerifyChunk::sqlHashes), "every chunk compared by SQL hashes");
        assertTrue(chunks.getLast().lastOfTable());
        // per chunk a key query and a hash on the source, a hash on the target; plus 2 catalog reads on each side
        assertEquals(21 * 2 + 2, f.sourceCount.queries.get());
        assertEquals(21 + 2, f.targetCount.queries.get());
        // the rows that came back: keys, hashes and the catalog's few rows — never the table's rows
        assertTrue(f.sourceCount.rows.get() < 100, "source rows fetched: " + f.sourceCount.rows.get());
        assertTrue(f.targetCount.rows.get() < 100, "target rows fetched: " + f.targetCount.rows.get());
    }

    @ParameterizedTest
    @EnumSource(value = Engine.class, names = {"H2", "POSTGRES", "MARIADB"})
    void aChangedADeletedAndTwoExtraRowsAreEachFoundByBisectionAndNamedByKey(Engine engine) throws Exception {
        f = new VerifyFixture(engine);
        f.orders(VerifyFixture.range(2, 40_000, 2)); // 20,000 even ids: odd ids can be extra between them
        f.target.execute("update orders set note = 'changed' where id = 778");
        f.target.execute("delete from orders where id = 12346");
        VerifyFixture.insertOrders(f.target, List.of(5_001L, 40_002L));

        DiffReport r = f.diff("orders").chunkSize(1_000).leafSize(32).build().run();

        Map<String, String> expected = Map.of("778", "DIFFERENT", "12346", "MISSING_ON_TARGET",
                "5001", "EXTRA_ON_TARGET", "40002", "EXTRA_ON_TARGET");
        assertEquals(new TreeMap<>(expected), found(r));
        assertEquals(20_000, r.rows());
        assertEquals(21, r.chunks());
        assertEquals(4, r.chunksBisected(), "the chunks of 778, 5001 and 12346, and the last one (40002)");
        // at most 32 rows a side per differing chunk were read, not the chunks' 1,000
        assertTrue(r.rowsFetched() <= 4 * 2 * 32, "rows fetched: " + r.rowsFetched());

        // reading every row in Java finds the same, and so does the old shard diff
        assertEquals(found(r), found(f.diff("orders").chunkSize(1_000).sqlHashes(false).build().run()));
        var table = f.table("orders");
        assertEquals(found(r), found(ShardDiff.compare(List.of(table), t -> new KeysetPages(f.source, null, t, null),
                t -> new KeysetPages(f.target, null, t, null), 1_000)));
    }

    @ParameterizedTest
    @EnumSource(value = Engine.class, names = {"H2", "POSTGRES", "MARIADB"})
    void aCompositeKeyIsChunkedAndEachDifferingKeyNamedWithAllItsColumns(Engine engine) throws Exception {
        f = new VerifyFixture(engine);
        for (DSLContext db : List.of(f.source, f.target)) {
            db.execute("create table order_lines (order_id bigint, line int, sku varchar(20), primary key (order_id, line))");
            var insert = db.insertInto(DSL.table(DSL.unquotedName("order_lines")), DSL.field(DSL.unquotedName("order_id")),
                    DSL.field(DSL.unquotedName("line")), DSL.field(DSL.unquotedName("sku")));
            for (long o = 1; o <= 1_000; o++) for (int l = 1; l <= 3; l++) insert = insert.values(o, l, "sku-" + o + "-" + l);
            insert.execute();
        }
        f.target.execute("update order_lines set sku = 'other' where order_id = 5 and line = 2");
        f.target.execute("delete from order_lines where order_id = 7 and line = 1");
        f.target.execute("insert into order_lines values (500, 4, 'x'), (1001, 1, 'y')");

        DiffReport r = f.diff("order_lines").chunkSize(100).leafSize(8).build().run();

        assertEquals(new TreeMap<>(Map.of("5,2", "DIFFERENT", "7,1", "MISSING_ON_TARGET", "500,4", "EXTRA_ON_TARGET",
                "1001,1", "EXTRA_ON_TARGET")), found(r));
        assertEquals(3_000, r.rows());
        assertEquals(31, r.chunks());
        assertEquals(3, r.chunksBisected(), "the first chunk (orders 1 to 34), that of 500,4 and the last");
    }

    @ParameterizedTest
    @EnumSource(value = Engine.class, names = {"H2", "POSTGRES", "MARIADB"})
    void aRowFilterComparesOneTenantsRowsAndIgnoresOtherTenantsDifferences(Engine engine) throws Exception {
        f = new VerifyFixture(engine);
        f.orders(VerifyFixture.range(1, 5_000, 1)); // tenant_id = id % 10
        f.target.execute("update orders set note = 'changed' where id in (17, 13)");
        f.target.execute("delete from orders where id in (27, 33)");
        VerifyFixture.insertOrders(f.target, List.of(5_007L, 5_003L));

        DiffReport r = f.diff("orders").filter(f.table("orders").name(), DSL.field(DSL.unquotedName("tenant_id")).eq(7))
                .chunkSize(100).build().run();

        assertEquals(new TreeMap<>(Map.of("17", "DIFFERENT", "27", "MISSING_ON_TARGET", "5007", "EXTRA_ON_TARGET")), found(r));
        assertEquals(500, r.rows());
    }

    @Test
    void postgresToMariaDbIsComparedInJavaByCanonicalValues() throws Exception {
        try (EmbeddedShards pg = EmbeddedShards.start(Engine.POSTGRES, 1);
             EmbeddedShards maria = EmbeddedShards.start(Engine.MARIADB, 1);
             Connection s = pg.database(0).open(); Connection t = maria.database(0).open()) {
            DSLContext source = DSL.using(s);
            DSLContext target = DSL.using(t);
            source.execute("create table orders (id bigint primary key, tenant_id int not null, note varchar(60),"
                    + " amount decimal(12,2), created timestamp(6), paid boolean, data bytea)");
            target.execute("create table orders (id bigint primary key, tenant_id int not null, note varchar(60),"
                    + " amount decimal(12,2), created datetime(6), paid boolean, data varbinary(16))");
            for (DSLContext db : List.of(source, target)) VerifyFixture.insertOrders(db, VerifyFixture.range(1, 3_000, 1));
            target.execute("update orders set amount = 1.01 where id = 2500");
            List<VerifyChunk> chunks = new ArrayList<>();

            DiffReport r = ChunkedDiff.builder().source(source, null).target(target, null)
                    .tables(io.shardkit.move.copy.Catalog.tables(source, null)).chunkSize(1_000).onChunk(chunks::add)
                    .build().run();

            assertEquals(Map.of("2500", "DIFFERENT"), found(r));
            assertEquals(3_000, r.rows());
            assertFalse(chunks.stream().anyMatch(VerifyChunk::sqlHashes), "two dialects: compared in Java");
        }
    }
}
