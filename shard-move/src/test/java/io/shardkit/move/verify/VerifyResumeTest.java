package io.shardkit.move.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.shardkit.test.Engine;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A verify stopped after some chunks and started again under the same name resumes after the last saved key: the
 * finished chunks are not hashed again, and the report holds the mismatches of both runs.
 */
class VerifyResumeTest {
    private VerifyFixture f;

    @AfterEach
    void close() throws Exception {
        if (f != null) f.close();
    }

    static final class Stop extends RuntimeException {
    }

    private static java.util.function.Consumer<VerifyChunk> stopAfter(int chunks, List<VerifyChunk> seen) {
        return c -> {
            seen.add(c);
            if (seen.size() == chunks) throw new Stop();
        };
    }

    @ParameterizedTest
    @EnumSource(value = Engine.class, names = {"H2", "POSTGRES", "MARIADB"})
    void aStoppedVerifyResumesAfterItsLastSavedChunk(Engine engine) throws Exception {
        f = new VerifyFixture(engine);
        f.orders(VerifyFixture.range(1, 20_000, 1));
        f.target.execute("update orders set note = 'changed' where id in (1500, 15500)");
        VerifyProgress progress = VerifyProgress.of(f.control, "move-7");
        List<VerifyChunk> first = new ArrayList<>();

        assertThrows(Stop.class, () -> f.diff("orders").chunkSize(1_000).progress(progress)
                .onChunk(stopAfter(5, first)).build().run());
        assertEquals(List.of(1L), first.stream().filter(c -> !c.mismatches().isEmpty()).map(c -> (long) first.indexOf(c)).toList());

        List<VerifyChunk> second = new ArrayList<>();
        f.targetCount.reset();
        DiffReport r = f.diff("orders").chunkSize(1_000).progress(progress).onChunk(second::add).build().run();

        assertEquals(Map.of("1500", "DIFFERENT", "15500", "DIFFERENT"), ChunkedDiffTest.found(r), "both runs' mismatches");
        assertEquals(20_000, r.rows());
        assertEquals(21 - 5, r.chunks(), "the 5 saved chunks are not compared again");
        assertEquals(6_000, second.getFirst().rowsSoFar(), "resumed after 5,000 rows");
        assertEquals(16 + 5 * 2 + 1 + 2, f.targetCount.queries.get(),
                "on the target 16 chunk hashes, 5 halvings of 15500's chunk (2 hashes each) and a read of its 31 rows, 2 catalog reads");

        // finished: a third run compares nothing and reports the same
        DiffReport again = f.diff("orders").chunkSize(1_000).progress(progress).build().run();
        assertEquals(0, again.chunks());
        assertEquals(20_000, again.rows());
        assertEquals(ChunkedDiffTest.found(r), ChunkedDiffTest.found(again));

        // restart: from the first key again
        DiffReport restarted = f.diff("orders").chunkSize(1_000).progress(progress).restart(true).build().run();
        assertEquals(21, restarted.chunks());
        assertEquals(ChunkedDiffTest.found(r), ChunkedDiffTest.found(restarted));
    }

    /** Text, timestamp and uuid key columns: the saved key must turn back into exactly the same bind values. */
    @ParameterizedTest
    @EnumSource(value = Engine.class, names = {"H2", "POSTGRES", "MARIADB"})
    void aCompositeTextTimestampUuidKeyRoundTripsThroughTheProgressStore(Engine engine) throws Exception {
        f = new VerifyFixture(engine);
        LocalDateTime base = LocalDateTime.of(2026, 5, 1, 8, 0, 0, 1_000);
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            rows.add(new Object[] {"tenant-" + (i % 3), base.plusNanos(i / 3 * 1_001_000L),
                    new UUID(i % 5, i), "v" + i});
        }
        for (DSLContext db : List.of(f.source, f.target)) {
            db.execute("create table events (tenant varchar(20), at " + f.timestampType() + ", id uuid, v varchar(20),"
                    + " primary key (tenant, at, id))");
            var insert = db.insertInto(DSL.table(DSL.unquotedName("events")), DSL.field(DSL.unquotedName("tenant")),
                    DSL.field(DSL.unquotedName("at")), DSL.field(DSL.unquotedName("id")), DSL.field(DSL.unquotedName("v")));
            for (Object[] row : rows) insert = insert.values(java.util.Arrays.asList(row));
            insert.execute();
        }
        // row 4 is early in tenant-1's key range, row 2998 late in tenant-1's: one before the stop, one after
        f.target.execute("update events set v = 'changed' where v in ('v4', 'v2998')");
        VerifyProgress progress = VerifyProgress.of(f.control, "events-verify");
        List<VerifyChunk> first = new ArrayList<>();
        assertThrows(Stop.class, () -> f.diff("events").chunkSize(250).progress(progress)
                .onChunk(stopAfter(6, first)).build().run());

        List<VerifyChunk> second = new ArrayList<>();
        DiffReport r = f.diff("events").chunkSize(250).progress(progress).onChunk(second::add).build().run();

        assertEquals(3_000, r.rows());
        assertEquals(13 - 6, r.chunks(), "12 full chunks and the last, 6 of them done before the stop");
        assertEquals(1_750, second.getFirst().rowsSoFar());
        Map<String, String> kinds = new TreeMap<>();
        r.mismatches().forEach(m -> kinds.put(m.key().getFirst() + " " + m.key().get(2), m.kind().name()));
        assertEquals(Map.of("tenant-1 " + new UUID(4, 4), "DIFFERENT", "tenant-1 " + new UUID(2998 % 5, 2998), "DIFFERENT"),
                kinds);
        assertEquals(1, first.stream().filter(c -> !c.mismatches().isEmpty()).count(), "one found before the stop");
    }
}
