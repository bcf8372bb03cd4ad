package io.shardkit.query;

import io.shardkit.cluster.Shard;
import io.shardkit.query.planner.DialectRules;
import io.shardkit.query.planner.FinalQuery;
import io.shardkit.query.planner.QueryShape;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jooq.DSLContext;
import org.jooq.DataType;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Result;
import org.jooq.SQLDialect;
import org.jooq.Select;
import org.jooq.Table;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;
import org.jooq.impl.DefaultConnectionProvider;
import org.jooq.impl.DefaultVisitListenerProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finishes a merge in a database: the shards' partial rows go into a temporary table on one shard's database — created
 * from the per-shard query itself, so every column has the type, length, scale and collation the shards returned — and
 * the query's outer part ({@link FinalQuery}) runs there. One connection, three statements and a drop.
 */
final class DatabaseMerge {
    private static final Logger LOG = LoggerFactory.getLogger(DatabaseMerge.class);
    private static final AtomicLong NAMES = new AtomicLong();
    /** Bind values per INSERT: below every driver's limit (PostgreSQL: 32,767). */
    private static final int BINDS_PER_INSERT = 8_000;

    private DatabaseMerge() {
    }

    /** The merged rows, as the final query returns them (one value per output column). */
    static List<Object[]> run(Shard on, QueryShape shape, Select<?> perShard, List<Object[]> partials, Duration timeout) {
        SQLDialect dialect = on.dialect();
        String name = "shardkit_merge_" + NAMES.incrementAndGet();
        Table<?> table = dialect.family() == SQLDialect.POSTGRES ? DSL.table(DSL.name("pg_temp", name)) : DSL.table(DSL.name(name));
        List<String> columns = FinalQuery.partialColumns(shape);
        return on.dsl().connectionResult(connection -> {
            Settings settings = ((Settings) on.dsl().settings().clone()).withQueryTimeout(Math.max(1, (int) Math.ceil(timeout.toMillis() / 1000.0)));
            DSLContext one = DSL.using(on.dsl().configuration().derive(new DefaultConnectionProvider(connection)).derive(settings));
            // The user's query rides along under a condition that is never true: the database parses and checks it
            // (a column outside GROUP BY, a function it lacks) without running it, and rejects what it would reject.
            one.execute(createTemporary(dialect) + " {0} as {1}", table, DSL.select(DSL.asterisk())
                    .from(perShard.asTable(DSL.name("shardkit_p"), columns.stream().map(DSL::name).toArray(org.jooq.Name[]::new)))
                    .where(DSL.inline(1).eq(DSL.inline(0)).and(DSL.exists(shape.original()))));
            try {
                Map<String, DataType<?>> types = columnTypes(one, table);
                DialectRules.checkStored(shape, types::get, dialect);
                List<Field<?>> fields = columns.stream().<Field<?>>map(c -> DSL.field(DSL.name(c), types.get(c))).toList();
                insert(one, table, fields, partials);
                FinalQuery last = FinalQuery.of(shape, table, c -> types.get(c.toLowerCase(Locale.ROOT)), dialect);
                DSLContext rewriting = DSL.using(one.configuration().derive(new DefaultVisitListenerProvider(last.rewrite())));
                Result<? extends Record> result = rewriting.fetch(last.select());
                List<Object[]> rows = new ArrayList<>(result.size());
                for (Record r : result) {
                    Object[] values = new Object[r.size()];
                    for (int i = 0; i < values.length; i++) values[i] = r.get(i);
                    rows.add(values);
                }
                return rows;
            } finally {
                drop(one, table, dialect);
            }
        });
    }

    private static String createTemporary(SQLDialect dialect) {
        return dialect.family() == SQLDialect.H2 ? "create local temporary table" : "create temporary table";
    }

    /** Each partial column's type as the database created it; names in lower case. */
    private static Map<String, DataType<?>> columnTypes(DSLContext one, Table<?> table) {
        Result<Record> empty = one.select(DSL.asterisk()).from(table).where(DSL.falseCondition()).fetch();
        Map<String, DataType<?>> types = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (Field<?> f : empty.fields()) types.put(f.getName().toLowerCase(Locale.ROOT), f.getDataType());
        return types;
    }

    private static void insert(DSLContext one, Table<?> table, List<Field<?>> fields, List<Object[]> rows) {
        int perStatement = Math.max(1, BINDS_PER_INSERT / Math.max(1, fields.size()));
        for (int from = 0; from < rows.size(); from += perStatement) {
            var insert = one.insertInto(table, fields);
            org.jooq.InsertValuesStepN<?> values = null;
            for (Object[] row : rows.subList(from, Math.min(rows.size(), from + perStatement))) {
                values = values == null ? insert.values(row) : values.values(row);
            }
            values.execute();
        }
    }

    private static void drop(DSLContext one, Table<?> table, SQLDialect dialect) {
        try {
            String drop = dialect.family() == SQLDialect.MYSQL || dialect.family() == SQLDialect.MARIADB
                    ? "drop temporary table if exists {0}" : "drop table if exists {0}";
            one.execute(drop, table);
        } catch (RuntimeException e) {
            // The table is the session's own and goes with it; the pool replaces a broken connection.
            LOG.warn("could not drop the merge's temporary table {}: {}", table, e.toString());
        }
    }
}
