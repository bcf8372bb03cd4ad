package io.shardkit.move.verify;

import io.shardkit.move.copy.TableInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares tables between a source and a target database by SQL hashes: per primary-key chunk each side returns a
 * row count and a hash of the chunk's rows, so only those cross the wire; a chunk that differs is halved down to its
 * rows, and every differing key is reported. Tables whose values the two sides cannot write as the same SQL text
 * (PostgreSQL to MariaDB, a float on MariaDB, a column typed differently on each side) are compared in Java, by
 * reading their rows, as {@link ShardDiff} does. With a {@link VerifyProgress}, the place is saved after every chunk
 * and a run with the same name resumes there.
 *
 * <pre>{@code
 * DiffReport report = ChunkedDiff.builder()
 *         .source(sourceDb, "public").target(targetDb, "public")
 *         .tables(Catalog.tables(sourceDb, "public"))
 *         .progress(VerifyProgress.of(controlDb, "move-17"))
 *         .build().run();
 * }</pre>
 */
public final class ChunkedDiff {
    private static final Logger log = LoggerFactory.getLogger(ChunkedDiff.class);

    private final Builder b;

    private ChunkedDiff(Builder b) {
        this.b = b;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Verifies every table; throws what the databases or the progress callback throw, with the place saved. */
    public DiffReport run() {
        VerifyProgress progress = b.progress;
        if (progress != null) {
            progress.create();
            if (b.restart) progress.clear();
        }
        Totals totals = new Totals();
        if (progress != null) progress.mismatches().forEach(totals::add);
        // the two databases hash at once; one DSLContext for both sides keeps its queries one after the other
        try (ExecutorService targetSide = Executors.newVirtualThreadPerTaskExecutor()) {
            Executor targetHashes = b.source == b.target ? Runnable::run : targetSide;
            for (TableInfo t : b.tables) table(t, targetHashes, totals);
        }
        return new DiffReport(totals.compared, totals.mismatches, totals.chunks, totals.bisected, totals.fetched);
    }

    private void table(TableInfo t, Executor targetHashes, Totals totals) {
        VerifyProgress progress = b.progress;
        VerifyProgress.Saved saved = progress == null ? null : progress.load(t.name());
        if (saved != null && saved.finished()) {
            totals.compared.put(t.name(), saved.rows());
            return;
        }
        if (t.primaryKey().isEmpty()) {
            throw new IllegalArgumentException("table " + t.name() + " has no primary key: its rows cannot be"
                    + " chunked and matched — give it one, or leave it out of the tables to verify");
        }
        RowHash.Plan plan = b.sqlHashes ? RowHash.plan(t, b.source, b.sourceSchema, b.target, b.targetSchema)
                : RowHash.Plan.java("SQL hashes turned off");
        if (plan.hash() == null) log.info("table {} compared in Java: {}", t.name(), plan.reason());
        Condition filter = b.filters.get(t.name());
        Side source = new Side(b.source, b.sourceSchema, t, filter, plan.hash());
        Side target = new Side(b.target, b.targetSchema, t, filter, plan.hash());
        long[] rows = {saved == null ? 0 : saved.rows()};
        long[] mismatches = {saved == null ? 0 : saved.mismatches()};
        try {
            new TableWalk(t, source, target, plan.hash() != null, b.chunkSize, b.leafSize, targetHashes).run(
                    saved == null ? null : saved.lastKey(), (last, chunkRows, found, bisected) -> {
                        List<Mismatch> fresh = found.stream().filter(totals::add).toList();
                        rows[0] += chunkRows;
                        mismatches[0] += fresh.size();
                        totals.chunks++;
                        if (bisected) totals.bisected++;
                        if (progress != null) progress.save(t.name(), last, rows[0], mismatches[0], last == null, fresh);
                        b.onChunk.accept(new VerifyChunk(t.name(), chunkRows, rows[0], fresh, bisected,
                                plan.hash() != null, last == null));
                    });
        } finally {
            totals.compared.put(t.name(), rows[0]);
            totals.fetched += source.rowsFetched() + target.rowsFetched();
        }
    }

    /** What the run found so far, over all tables. */
    private static final class Totals {
        final Map<String, Long> compared = new LinkedHashMap<>();
        final List<Mismatch> mismatches = new ArrayList<>();
        final Set<String> reported = new HashSet<>();
        long chunks;
        long bisected;
        long fetched;

        /** Adds {@code m} unless its key was reported already (a row two chunks saw, the sides ordering keys apart). */
        boolean add(Mismatch m) {
            if (!reported.add(m.table() + '\u0000' + Canonical.row(m.key().toArray()))) return false;
            mismatches.add(m);
            return true;
        }
    }

    /** The only mutable type: set what to compare, then {@link #build()}. */
    public static final class Builder {
        private DSLContext source;
        private String sourceSchema;
        private DSLContext target;
        private String targetSchema;
        private List<TableInfo> tables;
        private final Map<String, Condition> filters = new HashMap<>();
        private int chunkSize = 10_000;
        private int leafSize = 32;
        private VerifyProgress progress;
        private boolean restart;
        private boolean sqlHashes = true;
        private Consumer<VerifyChunk> onChunk = c -> { };

        private Builder() {
        }

        /** @param schema as the cluster names it, or null for the connection's default schema */
        public Builder source(DSLContext db, String schema) {
            this.source = Objects.requireNonNull(db, "source");
            this.sourceSchema = schema;
            return this;
        }

        /** @param schema as the cluster names it, or null for the connection's default schema */
        public Builder target(DSLContext db, String schema) {
            this.target = Objects.requireNonNull(db, "target");
            this.targetSchema = schema;
            return this;
        }

        /** The tables to compare, as the source reports them ({@code Catalog.tables}); each needs a primary key. */
        public Builder tables(List<TableInfo> tables) {
            this.tables = List.copyOf(Objects.requireNonNull(tables, "tables"));
            return this;
        }

        /** Compares only the rows of {@code table} that {@code rows} selects (a tenant's), on both sides. */
        public Builder filter(String table, Condition rows) {
            filters.put(Objects.requireNonNull(table, "table"), Objects.requireNonNull(rows, "rows"));
            return this;
        }

        /** Source rows per chunk: one hash query per side each; default 10,000. */
        public Builder chunkSize(int rows) {
            this.chunkSize = rows;
            return this;
        }

        /** A differing chunk is halved until a half holds at most this many rows per side; default 32. */
        public Builder leafSize(int rows) {
            this.leafSize = rows;
            return this;
        }

        /** Saves the place after every chunk, and resumes from it. */
        public Builder progress(VerifyProgress progress) {
            this.progress = Objects.requireNonNull(progress, "progress");
            return this;
        }

        /** Forgets the saved progress first: the run starts from each table's first key. */
        public Builder restart(boolean restart) {
            this.restart = restart;
            return this;
        }

        /** False: read and compare every chunk's rows in Java, as {@link ShardDiff} does (slower; for comparison). */
        public Builder sqlHashes(boolean sqlHashes) {
            this.sqlHashes = sqlHashes;
            return this;
        }

        /** Called after each chunk, once its progress is saved; an exception stops the run there. */
        public Builder onChunk(Consumer<VerifyChunk> onChunk) {
            this.onChunk = Objects.requireNonNull(onChunk, "onChunk");
            return this;
        }

        /** @throws IllegalArgumentException naming every setting that is missing or out of range */
        public ChunkedDiff build() {
            List<String> problems = new ArrayList<>();
            if (source == null) problems.add("source is not set");
            if (target == null) problems.add("target is not set");
            if (tables == null) problems.add("tables are not set");
            if (chunkSize < 1) problems.add("chunkSize must be at least 1: " + chunkSize);
            if (leafSize < 1) problems.add("leafSize must be at least 1: " + leafSize);
            if (restart && progress == null) problems.add("restart needs a progress store to restart");
            if (tables != null) {
                Set<String> names = new HashSet<>(tables.stream().map(TableInfo::name).toList());
                filters.keySet().stream().filter(n -> !names.contains(n)).sorted()
                        .forEach(n -> problems.add("filter for table " + n + ", which is not among the tables"));
            }
            if (!problems.isEmpty()) throw new IllegalArgumentException("chunked diff: " + String.join("; ", problems));
            Builder copy = new Builder();
            copy.source = source;
            copy.sourceSchema = sourceSchema;
            copy.target = target;
            copy.targetSchema = targetSchema;
            copy.tables = tables;
            copy.filters.putAll(filters);
            copy.chunkSize = chunkSize;
            copy.leafSize = leafSize;
            copy.progress = progress;
            copy.restart = restart;
            copy.sqlHashes = sqlHashes;
            copy.onChunk = onChunk;
            return new ChunkedDiff(copy);
        }
    }
}
