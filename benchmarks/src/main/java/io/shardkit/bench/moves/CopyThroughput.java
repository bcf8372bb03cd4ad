package io.shardkit.bench.moves;

import io.shardkit.move.copy.BatchCopy;
import io.shardkit.move.copy.Catalog;
import io.shardkit.move.copy.KeysetPages;
import io.shardkit.move.copy.TableInfo;
import io.shardkit.move.online.LogicalReplication;
import io.shardkit.move.verify.ChunkedDiff;
import io.shardkit.move.verify.DiffReport;
import io.shardkit.move.verify.ShardDiff;
import io.shardkit.test.EmbeddedShards;
import io.shardkit.test.Engine;
import io.shardkit.test.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * How fast a move copies and verifies a narrow table, beside the same server's own {@code INSERT … SELECT} of it: a
 * table of {@code rows} rows on one embedded PostgreSQL database, copied to another database of the same server by
 * block-writes batches and by logical replication's initial copy, then compared: by the shard diff (rows read and
 * compared in Java) and by the chunked diff (a count and a hash per chunk, computed by each database). Run: {@code java -cp
 * benchmarks/target/benchmarks.jar io.shardkit.bench.moves.CopyThroughput [rows]}.
 */
public final class CopyThroughput {
    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 500_000;
        try (EmbeddedShards dbs = EmbeddedShards.start(Engine.POSTGRES, 3)) {
            DSLContext source = dsl(dbs.database(0));
            for (int i = 0; i < 3; i++) {
                dsl(dbs.database(i)).execute("create table orders (id bigint primary key, customer_id bigint not null,"
                        + " note varchar(40))");
            }
            source.execute("insert into orders select g, g % 1000, 'note ' || g from generate_series(1, ?) g", rows);
            source.execute("vacuum analyze orders");

            source.execute("create table orders_copy (like orders including all)");
            long t0 = System.nanoTime();
            source.execute("insert into orders_copy select * from orders");
            double baseline = rate(rows, t0);

            TableInfo table = Catalog.tables(source, null).stream().filter(t -> t.name().equals("orders")).findFirst().orElseThrow();
            DSLContext batchTarget = dsl(dbs.database(1));
            t0 = System.nanoTime();
            long copied = BatchCopy.copy(pages(source, table), batchTarget, pages(batchTarget, table), 1_000, null);
            double batches = rate(copied, t0);

            DSLContext replicaTarget = dsl(dbs.database(2));
            TestDatabase s = dbs.database(0);
            LogicalReplication replication = new LogicalReplication(source, replicaTarget, "bench_copy");
            t0 = System.nanoTime();
            replication.start(List.of(source.render(pages(source, table).table())), s.jdbcUrl(), s.username(), s.password());
            replication.awaitCopied(Duration.ofHours(1));
            double online = rate(rows, t0);
            replication.stop();

            t0 = System.nanoTime();
            DiffReport diff = ShardDiff.compare(List.of(table), t -> pages(source, t), t -> pages(batchTarget, t), 1_000);
            double verify = rate(diff.rows(), t0);

            // the chunked diff: per chunk a count and a hash computed by each database, no rows over the wire
            double[] hashed = new double[2];
            int[] chunkSizes = {1_000, 10_000};
            boolean hashedClean = true;
            for (int i = 0; i < chunkSizes.length; i++) {
                t0 = System.nanoTime();
                DiffReport h = ChunkedDiff.builder().source(source, null).target(batchTarget, null).tables(List.of(table))
                        .chunkSize(chunkSizes[i]).build().run();
                hashed[i] = rate(h.rows(), t0);
                hashedClean &= h.clean() && h.rowsFetched() == 0 && h.rows() == rows;
            }

            System.out.printf(Locale.ROOT, "%nCopy and verify, %,d narrow rows, PostgreSQL database to database (one server)%n", rows);
            System.out.printf(Locale.ROOT, "INSERT ... SELECT in one database (baseline): %,.0f rows/s%n", baseline);
            System.out.printf(Locale.ROOT, "block-writes copy, 1,000-row key batches:      %,.0f rows/s (%.2fx the baseline)%n",
                    batches, batches / baseline);
            System.out.printf(Locale.ROOT, "online initial copy (logical replication):     %,.0f rows/s (%.2fx the baseline)%n",
                    online, online / baseline);
            System.out.printf(Locale.ROOT, "verify, 1,000-row key chunks:                  %,.0f rows/s = %.0f M rows/hour, clean: %b%n",
                    verify, verify * 3_600 / 1e6, diff.clean());
            for (int i = 0; i < chunkSizes.length; i++) {
                System.out.printf(Locale.ROOT, "verify by SQL hashes, %,6d-row key chunks:    %,.0f rows/s = %.0f M rows/hour, clean: %b%n",
                        chunkSizes[i], hashed[i], hashed[i] * 3_600 / 1e6, hashedClean);
            }
        }
    }

    private static DSLContext dsl(TestDatabase d) {
        return DSL.using(d.jdbcUrl(), d.username(), d.password()).dsl().configuration().derive(SQLDialect.POSTGRES).dsl();
    }

    private static KeysetPages pages(DSLContext db, TableInfo t) {
        return new KeysetPages(db, null, t, null);
    }

    private static double rate(long rows, long startNanos) {
        return rows / ((System.nanoTime() - startNanos) / 1e9);
    }
}
