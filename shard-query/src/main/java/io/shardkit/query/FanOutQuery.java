package io.shardkit.query;

import io.shardkit.cluster.Shard;
import io.shardkit.cluster.ShardCluster;
import io.shardkit.query.planner.DialectRules;
import io.shardkit.query.planner.QueryShape;
import io.shardkit.query.planner.SelectReader;
import io.shardkit.query.planner.ShardQueries;
import io.shardkit.router.RangeScannable;
import io.shardkit.router.ShardId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.Spliterators;
import java.util.concurrent.Executor;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.SQLDialect;
import org.jooq.Select;
import org.jooq.impl.DSL;

/**
 * One fan-out being set up: which shards, how long each may take, what to do when one fails. Mutable, like a
 * builder; {@link #fetch()}, {@link #stream()} and {@link #fetchPage} run it (and may be called again).
 */
public final class FanOutQuery<R extends Record> {
    private final ShardCluster cluster;
    private final Select<R> query;
    private List<ShardId> only;                  // null: every shard
    private Duration timeout = Duration.ofSeconds(30);
    private FailurePolicy policy = FailurePolicy.FAIL_FAST;
    private Executor executor;
    private int fetchSize = 256;
    private Comparator<String> stringOrder;
    private boolean assumeColocated;
    private int mergeRowLimit = 1_000_000;

    FanOutQuery(ShardCluster cluster, Select<R> query) {
        this.cluster = cluster;
        this.query = query;
    }

    // ---- which shards -------------------------------------------------------------------------------------------

    /** Every logical shard of the cluster (the default). */
    public FanOutQuery<R> onAllShards() {
        only = null;
        return this;
    }

    /** Only these shards; the answer is then what one database holding their rows would return. */
    public FanOutQuery<R> onShards(ShardId... shards) {
        only = List.copyOf(new LinkedHashSet<>(Arrays.asList(shards)));
        return this;
    }

    /** Only the shards that hold {@code keys}; the query's WHERE must still select the rows. */
    public FanOutQuery<R> forKeys(Object... keys) {
        Set<ShardId> shards = new LinkedHashSet<>();
        for (Object k : keys) shards.add(cluster.shardFor(k));
        only = List.copyOf(shards);
        return this;
    }

    /**
     * Only the shards that can hold keys in {@code [from, to]}: with a strategy that keeps keys in order
     * ({@link RangeScannable}, e.g. the range strategy), those it names (and any shard a pin points to); with a
     * hashing strategy, every shard.
     */
    public FanOutQuery<R> forRange(Object from, Object to) {
        if (cluster.router().strategy() instanceof RangeScannable ordered) {
            Set<ShardId> shards = new LinkedHashSet<>(ordered.shardsOverlapping(from, to));
            shards.addAll(cluster.router().pins().targets());
            only = List.copyOf(shards);
        } else {
            only = null;
        }
        return this;
    }

    // ---- how --------------------------------------------------------------------------------------------------

    /** Each shard's deadline, from the start of the fan-out; a late shard's statement is cancelled on the server. */
    public FanOutQuery<R> timeout(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        this.timeout = timeout;
        return this;
    }

    /** What one shard's failure does to the rest: fail fast (the default) or return the others' rows as partial. */
    public FanOutQuery<R> onFailure(FailurePolicy policy) {
        this.policy = Objects.requireNonNull(policy, "policy");
        return this;
    }

    /** Runs shards on {@code executor} instead of a virtual thread each. */
    public FanOutQuery<R> executor(Executor executor) {
        this.executor = Objects.requireNonNull(executor, "executor");
        return this;
    }

    /** Rows buffered per shard: the merge's memory is about shards × fetchSize rows, whatever the result size. */
    public FanOutQuery<R> fetchSize(int rows) {
        if (rows < 1) throw new IllegalArgumentException("fetchSize must be at least 1: " + rows);
        this.fetchSize = rows;
        return this;
    }

    /**
     * How the database orders strings, when Shardkit cannot tell by itself (PostgreSQL databases whose collation is
     * not "C", MySQL, MariaDB): without it, a query that sorts or takes MIN/MAX of strings is refused.
     */
    public FanOutQuery<R> stringOrder(Comparator<String> order) {
        this.stringOrder = Objects.requireNonNull(order, "order");
        return this;
    }

    /**
     * Allows joins and subqueries, declaring that the rows they relate always live on the same shard (e.g. orders
     * and their items, both placed by customer id). Without it they are refused: each shard sees only its own rows.
     * A join of one sharded table with reference tables ({@link ShardCluster#referenceTables()}) needs no such
     * declaration: every shard holds them whole. A query that reads only reference tables runs on one shard.
     */
    public FanOutQuery<R> assumeColocated() {
        this.assumeColocated = true;
        return this;
    }

    /**
     * The most partial rows a merge done by a database (GROUP BY, DISTINCT, UNION, COUNT(DISTINCT)) collects from all
     * shards, held in memory before they are loaded into the merging database: about one row per group and shard (and
     * per distinct value for DISTINCT aggregates). Past it the fan-out is refused with a message saying so.
     */
    public FanOutQuery<R> mergeRowLimit(int rows) {
        if (rows < 1) throw new IllegalArgumentException("mergeRowLimit must be at least 1: " + rows);
        this.mergeRowLimit = rows;
        return this;
    }

    // ---- running ----------------------------------------------------------------------------------------------

    /** Runs the fan-out and merges every row. */
    public FanOutResult<R> fetch() {
        Plan plan = plan(query);
        Metered metered = new Metered(plan);
        ShardStreams streams = open(plan);
        List<R> rows = new ArrayList<>();
        Throwable failure = null;
        try {
            Iterator<Object[]> merged = plan.merge(streams);
            while (merged.hasNext()) rows.add(plan.record(merged.next()));
        } catch (RuntimeException | Error e) {
            failure = e;
            throw e;
        } finally {
            streams.close();
            metered.ended(streams, failure);
        }
        return new FanOutResult<>(rows, streams.outcomes());
    }

    /**
     * The merged rows as a stream, for results too large to hold: memory stays about shards × fetchSize rows for
     * plain queries. Close it (try-with-resources) to release every shard's cursor and connection.
     */
    public Stream<R> stream() {
        Plan plan = plan(query);
        Metered metered = new Metered(plan);
        ShardStreams streams = open(plan);
        try {
            Iterator<Object[]> merged = plan.merge(streams);
            Iterator<R> records = new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return merged.hasNext();
                }

                @Override
                public R next() {
                    return plan.record(merged.next());
                }
            };
            return StreamSupport.stream(Spliterators.spliteratorUnknownSize(records, 0), false).onClose(() -> {
                streams.close();
                metered.ended(streams, null); // a shard's failure shows in its outcome
            });
        } catch (RuntimeException e) {
            streams.close();
            throw e;
        }
    }

    /**
     * One keyset page of {@code pageSize} rows after {@code cursor} (null for the first page). The query must have an
     * ORDER BY that ends with a unique column (a tie-breaker), and no LIMIT or OFFSET of its own. Page 1,000 costs
     * what page 1 costs when an index leads with the first sort key: each shard's query bounds that key by the
     * cursor's value. A first sort key declared NOT NULL in its jOOQ data type is trusted to hold no NULLs.
     */
    public Page<R> fetchPage(int pageSize, String cursor) {
        if (pageSize < 1) throw new IllegalArgumentException("pageSize must be at least 1: " + pageSize);
        Plan base = plan(query);
        QueryShape shape = base.read;
        if (shape.kind() != QueryShape.Kind.PLAIN) {
            throw new UnsupportedFanOutException("keyset pages over a " + (shape.kind() == QueryShape.Kind.UNION_ALL
                    ? "set operation" : "grouped or DISTINCT query"), "page a plain ordered query");
        }
        if (shape.orderBy().isEmpty()) throw new UnsupportedFanOutException("keyset pages without ORDER BY", "order by a unique key");
        if (shape.limit() != null || shape.offset() != 0) {
            throw new UnsupportedFanOutException("keyset pages over a query with LIMIT/OFFSET", "let fetchPage set the page size");
        }
        String fingerprint = ShardQueries.orderFingerprint(shape);
        Object[] after = cursor == null ? null : KeysetCursor.decode(fingerprint, cursor, shape.orderBy().size());
        @SuppressWarnings("unchecked")
        Select<R> pageQuery = (Select<R>) ShardQueries.page(shape, after, pageSize, base.ordering::nullsFirst);
        Plan plan = plan(pageQuery);
        Metered metered = new Metered(plan);
        ShardStreams streams = open(plan);
        List<R> rows = new ArrayList<>();
        Object[] last = null;
        Throwable failure = null;
        try {
            Iterator<Object[]> merged = plan.merge(streams);
            while (merged.hasNext()) {
                last = merged.next();
                rows.add(plan.record(last));
            }
        } catch (RuntimeException | Error e) {
            failure = e;
            throw e;
        } finally {
            streams.close();
            metered.ended(streams, failure);
        }
        Optional<String> next = Optional.empty();
        if (rows.size() == pageSize && last != null) {
            Object[] keys = new Object[shape.orderBy().size()];
            for (int i = 0; i < keys.length; i++) keys[i] = last[plan.read.orderBy().get(i).column()];
            next = Optional.of(KeysetCursor.encode(fingerprint, keys));
        }
        return new Page<>(rows, next, streams.outcomes());
    }

    private ShardStreams open(Plan plan) {
        return ShardStreams.open(plan.shards, shard -> ShardQueries.perShard(plan.shape),
                new ExecutionSettings(timeout, policy, executor, fetchSize), cluster);
    }

    /** One run of a plan, for the cluster's fan-out meters: timed from the start of its shards, not of planning. */
    private final class Metered {
        private final FanOutMeters meters = FanOutMeters.of(cluster);
        private final List<Shard> shards;
        private final FailurePolicy runPolicy = policy;
        private final long started = System.nanoTime();

        Metered(Plan plan) {
            this.shards = plan.shards;
        }

        void ended(ShardStreams streams, Throwable failure) {
            meters.ended(runPolicy, started, shards, streams.outcomes(), failure);
        }
    }

    // ---- planning ---------------------------------------------------------------------------------------------

    /** Everything decided before any shard runs. */
    private final class Plan {
        final QueryShape read;  // as the planner read the query
        final QueryShape shape; // as it runs: a streamed merge Java cannot sort is sorted by a database
        final List<Shard> shards;
        final SQLDialect dialect;
        final SqlOrdering ordering;
        final Field<?>[] outputs;
        private final org.jooq.DSLContext records; // one context per plan makes the final records

        Plan(Select<?> q) {
            Set<String> reference = cluster.referenceTables();
            read = SelectReader.read(q, assumeColocated, reference);
            // every shard holds a reference table whole: a query of reference tables only is one shard's answer
            shards = SelectReader.readsOnlyReferenceTables(q, reference) ? oneOf(targets()) : targets();
            dialect = commonDialect(shards, read);
            ordering = new SqlOrdering(dialect, stringOrder != null ? stringOrder : Collations.stringOrder(dialect, shards));
            DialectRules.check(read, dialect);
            QueryShape sorted = DialectRules.asSorted(read, dialect);
            shape = sorted.streamed() && !sortsInJava() ? sorted.sortedByDatabase() : sorted;
            if (shape.streamed() && !shape.orderBy().isEmpty()) checkConnectionsForSortedMerge();
            outputs = shape.outputs().toArray(Field<?>[]::new);
            records = DSL.using(dialect);
        }

        /**
         * A sorted merge needs every shard's first row before it can return one, so every shard must hold a connection
         * at once; with more logical shards on a database than its pool has connections it would wait until the deadline.
         */
        private void checkConnectionsForSortedMerge() {
            Map<String, Long> perDatabase = new java.util.LinkedHashMap<>();
            shards.forEach(s -> perDatabase.merge(s.database(), 1L, Long::sum));
            perDatabase.forEach((db, n) -> {
                int max = cluster.poolStats(db).maximumPoolSize();
                if (n > max) {
                    throw new UnsupportedFanOutException("ORDER BY over " + n + " logical shards on database " + db,
                            "a sorted merge reads all of them at once, and its pool has " + max
                                    + " connections; raise maximumPoolSize to at least " + n + ", or fan out to fewer shards");
                }
            });
        }

        Iterator<Object[]> merge(ShardStreams streams) {
            List<Iterator<Object[]>> inputs = streams.streams().stream().map(FanOutQuery::arrays).toList();
            if (shape.streamed()) return Merge.streamed(shape, ordering, inputs);
            if (shape.countsOnly()) return Merge.counts(outputs.length, inputs);
            List<Object[]> partials = new ArrayList<>();
            for (Iterator<Object[]> shard : inputs) {
                while (shard.hasNext()) {
                    if (partials.size() == mergeRowLimit) {
                        throw new UnsupportedFanOutException("a merge of more than " + mergeRowLimit + " partial rows",
                                "the shards returned more groups (or DISTINCT values) than mergeRowLimit(" + mergeRowLimit
                                        + ") allows; raise it, or narrow the query");
                    }
                    partials.add(shard.next());
                }
            }
            streams.close(); // every shard's connection back before the merge takes one
            if (shards.isEmpty()) return java.util.Collections.emptyIterator();
            return MergeSite.run(shards, streams.outcomes(), shape, partials, timeout).iterator();
        }

        @SuppressWarnings("unchecked")
        R record(Object[] values) {
            Record r = records.newRecord(outputs);
            r.fromArray(Arrays.copyOf(values, outputs.length));
            r.changed(false);
            return (R) r;
        }

        /**
         * Whether a streamed merge can order the rows in Java exactly as the database does: not strings under a
         * collation Shardkit does not know, nor CHAR(n), whose padding the database ignores when it compares, nor
         * values of a type Java does not order as databases do.
         */
        private boolean sortsInJava() {
            for (QueryShape.SortKey k : read.orderBy()) {
                if (k.collated()) return false; // a COLLATE of its own: the database knows it
                Class<?> type = k.field().getType();
                if (type == Object.class) { // an untyped field: its values may be strings
                    if (!ordering.knowsStrings()) return false;
                    continue;
                }
                if (!SqlOrdering.orders(type)) return false; // intervals, JSON, arrays, …
                if (type != String.class) continue;
                // an expression's SQL type is the database's to resolve (a CASE of CHAR and VARCHAR may be either)
                if (!k.bareColumn()) return false;
                String sqlType = k.field().getDataType().getSQLDataType().getTypeName();
                if (!ordering.knowsStrings() || sqlType.equalsIgnoreCase("char") || sqlType.equalsIgnoreCase("nchar")) return false;
            }
            return true;
        }
    }

    private Plan plan(Select<?> q) {
        return new Plan(q);
    }

    /** The first of {@code shards} (the cluster's first unless narrowed): the shard reference reads go to. */
    private static List<Shard> oneOf(List<Shard> shards) {
        return shards.isEmpty() ? shards : List.of(shards.getFirst());
    }

    private List<Shard> targets() {
        if (only == null) return cluster.shards();
        return only.stream().map(cluster::shard).toList();
    }

    private static SQLDialect commonDialect(List<Shard> shards, QueryShape shape) {
        Set<SQLDialect> families = new LinkedHashSet<>();
        shards.forEach(s -> families.add(s.dialect().family()));
        if (families.size() > 1 && (!shape.streamed() || !shape.orderBy().isEmpty())) {
            throw new UnsupportedFanOutException("one query over shards of different databases " + families,
                    "their orderings and aggregates differ; fan out to one kind of database at a time");
        }
        return shards.isEmpty() ? SQLDialect.DEFAULT : shards.getFirst().dialect();
    }

    private static Iterator<Object[]> arrays(Iterator<Record> records) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return records.hasNext();
            }

            @Override
            public Object[] next() {
                // get(i) rather than intoArray(): on a detached record intoArray() builds a configuration per call.
                Record r = records.next();
                Object[] values = new Object[r.size()];
                for (int i = 0; i < values.length; i++) values[i] = r.get(i);
                return values;
            }
        };
    }
}
