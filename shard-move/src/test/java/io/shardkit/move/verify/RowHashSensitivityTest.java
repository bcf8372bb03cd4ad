package io.shardkit.move.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkit.test.Engine;
import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Values a careless row text would confuse — NULL and '', NULL and 'null', a separator moved between two columns, a
 * newline, a trailing space, a microsecond, a NULL boolean, a zero byte — each make the SQL hashes differ, so the row
 * is found. Every row is its own chunk, and each must have been bisected: had its hashes agreed, nothing would have
 * read its rows.
 */
class RowHashSensitivityTest {
    private static final LocalDateTime T = LocalDateTime.of(2026, 3, 1, 12, 30, 15, 123_456_000);
    private static final byte[] NONE = null;
    private VerifyFixture f;

    @AfterEach
    void close() throws Exception {
        if (f != null) f.close();
    }

    /** A row's columns: a, b, n, ts, flag, bin. */
    private static Object[] row(String a, String b, String n, LocalDateTime ts, Boolean flag, byte[] bin) {
        return new Object[] {a, b, n == null ? null : new BigDecimal(n), ts, flag, bin};
    }

    private static final Object[] SAME = row("x", "y", "1.50", T, true, new byte[] {1});

    /** id → {source row, target row}: each pair differs in one way. */
    private static Map<Long, Object[][]> pairs() {
        Map<Long, Object[][]> p = new TreeMap<>();
        p.put(1L, new Object[][] {row(null, "y", "1.50", T, true, NONE), row("", "y", "1.50", T, true, NONE)});
        p.put(2L, new Object[][] {row("null", "y", "1.50", T, true, NONE), row(null, "y", "1.50", T, true, NONE)});
        p.put(3L, new Object[][] {row("ab", "c", "1.50", T, true, NONE), row("a", "bc", "1.50", T, true, NONE)});
        p.put(4L, new Object[][] {row("a,b", "c", "1.50", T, true, NONE), row("a", "b,c", "1.50", T, true, NONE)});
        p.put(5L, new Object[][] {row("N", null, "1.50", T, true, NONE), row(null, "N", "1.50", T, true, NONE)});
        p.put(6L, new Object[][] {row("1:a", "", "1.50", T, true, NONE), row("1", ":a", "1.50", T, true, NONE)});
        p.put(7L, new Object[][] {row("it's\n", "\"q\"", "1.50", T, true, NONE), row("it's ", "\"q\"", "1.50", T, true, NONE)});
        p.put(8L, new Object[][] {row("x", "y", "1.50", T, true, NONE), row("x ", "y", "1.50", T, true, NONE)});
        p.put(9L, new Object[][] {row("x", "y", "1.50", T, true, NONE), row("x", "y", "1.50", T.plusNanos(1_000), true, NONE)});
        p.put(10L, new Object[][] {row("x", "y", "1.50", T, true, NONE), row("x", "y", "1.50", T, false, NONE)});
        p.put(11L, new Object[][] {row("x", "y", "1.50", T, null, NONE), row("x", "y", "1.50", T, false, NONE)});
        p.put(12L, new Object[][] {row("x", "y", "1.50", T, true, new byte[] {0}), row("x", "y", "1.50", T, true, new byte[] {0, 0})});
        p.put(13L, new Object[][] {row("x", "y", "1.50", T, true, new byte[0]), row("x", "y", "1.50", T, true, NONE)});
        p.put(14L, new Object[][] {row("x", "y", "1.50", T, true, NONE), row("x", "y", "1.51", T, true, NONE)});
        p.put(15L, new Object[][] {row("x", "y", null, T, true, NONE), row("x", "y", "0", T, true, NONE)});
        p.put(16L, new Object[][] {row("x", "y", "1.50", null, true, NONE), row("x", "y", "1.50", T, true, NONE)});
        p.put(17L, new Object[][] {row("x", null, "1.50", T, true, NONE), row(null, "x", "1.50", T, true, NONE)});
        p.put(18L, new Object[][] {SAME, row("x", "y", "1.5", T, true, new byte[] {1})}); // decimal(12,2): the same value
        p.put(19L, new Object[][] {row(null, null, null, null, null, NONE), row(null, null, null, null, null, NONE)});
        return p;
    }

    @ParameterizedTest
    @EnumSource(value = Engine.class, names = {"H2", "POSTGRES", "MARIADB"})
    void eachAmbiguousPairMakesTheHashesDifferAndIsReportedDifferent(Engine engine) throws Exception {
        f = new VerifyFixture(engine);
        List<Field<Object>> columns = List.of("id", "a", "b", "n", "ts", "flag", "bin").stream()
                .map(c -> DSL.field(DSL.unquotedName(c))).toList();
        for (int side = 0; side < 2; side++) {
            DSLContext db = side == 0 ? f.source : f.target;
            db.execute("create table pairs (id bigint primary key, a varchar(20), b varchar(20), n decimal(12,2), ts "
                    + f.timestampType() + ", flag boolean, bin " + f.bytesType() + ")");
            var insert = db.insertInto(DSL.table(DSL.unquotedName("pairs")), columns);
            for (var e : pairs().entrySet()) {
                List<Object> values = new ArrayList<>();
                values.add(e.getKey());
                values.addAll(java.util.Arrays.asList(e.getValue()[side]));
                insert = insert.values(values.toArray());
            }
            insert.execute();
        }
        List<VerifyChunk> chunks = new ArrayList<>();

        DiffReport r = f.diff("pairs").chunkSize(1).leafSize(1).onChunk(chunks::add).build().run();

        Map<String, String> expected = new TreeMap<>();
        for (long id = 1; id <= 17; id++) expected.put(Long.toString(id), "DIFFERENT");
        assertEquals(expected, ChunkedDiffTest.found(r));
        assertTrue(chunks.stream().allMatch(VerifyChunk::sqlHashes), "compared by SQL hashes");
        for (VerifyChunk c : chunks) {
            boolean differs = !c.mismatches().isEmpty();
            assertEquals(differs, c.bisected(), () -> "chunk " + c + ": hashes must differ exactly where rows do");
        }
        assertEquals(17, r.chunksBisected());
    }

    @Test
    void postgresNumericTrailingZerosAndFloatsAreExact() throws Exception {
        f = new VerifyFixture(Engine.POSTGRES);
        f.source.execute("create table nums (id bigint primary key, n numeric, d double precision, r real)");
        f.target.execute("create table nums (id bigint primary key, n numeric, d double precision, r real)");
        f.source.execute("insert into nums values (1, 1.5, 0.1, 0.1), (2, 0, 0.3, 1), (3, 2, 1e300, 3.5)");
        // 1.50 is 1.5 and 0.00 is 0 (no mismatch, not even a differing hash); 0.1 + 0.2 is not 0.3
        f.target.execute("insert into nums values (1, 1.50, 0.1, 0.1), (2, 0.00, 0.1::float8 + 0.2::float8, 1), (3, 2.000, 1e300, 3.5)");

        DiffReport r = f.diff("nums").chunkSize(1).leafSize(1).build().run();

        assertEquals(Map.of("2", "DIFFERENT"), ChunkedDiffTest.found(r));
        assertEquals(1, r.chunksBisected(), "only row 2's hashes differ");
    }
}
