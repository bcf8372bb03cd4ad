package io.shardkit.bench;

import io.shardkit.router.KeyHash;
import io.shardkit.router.ModuloStrategy;
import io.shardkit.router.ShardId;
import io.shardkit.test.EmbeddedShards;
import io.shardkit.test.Engine;
import io.shardkit.test.TestDatabase;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.jooq.SQLDialect;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * The routed point query, side by side: the same jOOQ select by shard key and the same single-row insert through
 * {@code raw-jooq} (the floor: hand-picked pool, Shardkit's hash), {@code shardkit-dsl} ({@code cluster.dsl(key)}),
 * {@code shardkit-repository} (a {@code @ShardKey} repository proxy) and {@code shardingsphere}
 * (ShardingSphere-JDBC 5.5.2, MOD over {@code customer_id}), each on 4 fresh shard databases with 10,000 customers
 * × 1 order loaded through its own routing.
 *
 * <p>Every system uses the same HikariCP settings ({@link PoolSettings}) and the same jOOQ configuration and queries
 * ({@link OrdersTable}). Set-up checks that the system finds the rows it loaded, spreads them over all 4 databases
 * and can insert, so a broken path fails the run instead of being measured. Inserted rows ({@code id >= }
 * {@value #INSERT_BASE}) are deleted after each iteration, so every iteration starts from the same 10,000 rows.
 *
 * <p>Warm-up is by call count as well as by time: set-up runs {@value #PREWARM_FINDS} finds after loading the
 * 10,000 rows (which exercised insert), the same number for every system. Time alone would favour the fast systems:
 * on a busy machine a 20× slower path makes 20× fewer calls in JMH's warm-up and is measured before it is compiled.
 *
 * <p>Besides JMH's throughput, each trial prints the benchmark thread's CPU time per operation over the measurement
 * iterations (a line starting {@code [cpu/op]}). Other processes on the machine lower throughput but change that
 * figure much less, so it is the one to compare on a loaded machine. For H2 it includes the database's work
 * (in-process, same thread); for PostgreSQL only the client side — driver, jOOQ and routing — where the systems differ.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 10, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Dorg.jooq.no-logo=true", "-Dorg.jooq.no-tips=true",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class PointQueryBenchmark {

    static final int SHARD_COUNT = 4;
    static final int CUSTOMERS = 10_000;
    /** A power of two, so the key index wraps with a mask. */
    static final int KEY_COUNT = 4096;
    static final int MASK = KEY_COUNT - 1;
    /** Ids (and customer ids) of rows the insert benchmark adds; the loaded rows are 1..CUSTOMERS. */
    static final long INSERT_BASE = 1_000_000_000L;
    static final long SEED = 20261121L;
    /** Finds run in set-up, after the load, by every system: warm-up by calls, not only by time. */
    static final int PREWARM_FINDS = 20_000;

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    @Param({"h2", "postgres"})
    public String engine;

    @Param({"raw-jooq", "shardkit-dsl", "shardkit-repository", "shardingsphere"})
    public String system;

    private EmbeddedShards databases;
    private PointQueries queries;
    private long[] keys;
    private int cursor;
    private long nextId = INSERT_BASE;
    private long clearedUpTo = INSERT_BASE;

    // CPU time of the benchmark thread: operations done, and where the current iteration started.
    private long ops;
    private long iterationOps;
    private long iterationCpuNanos;
    private Thread iterationThread;
    private final List<Double> cpuMicrosPerOp = new ArrayList<>();

    /** The system named by {@code system}; a new system is one more case here. */
    static PointQueries open(String system, List<TestDatabase> databases, SQLDialect dialect) {
        return switch (system) {
            case "raw-jooq" -> new RawJooqPointQueries(databases, dialect);
            case "shardkit-dsl" -> new ShardkitDslPointQueries(databases, dialect);
            case "shardkit-repository" -> new ShardkitRepositoryPointQueries(databases, dialect);
            case "shardingsphere" -> new ShardingSpherePointQueries(databases, dialect);
            default -> throw new IllegalArgumentException("unknown system '" + system
                    + "' — use raw-jooq, shardkit-dsl, shardkit-repository or shardingsphere");
        };
    }

    @Setup(Level.Trial)
    public void setUp() {
        SQLDialect dialect = switch (engine) {
            case "h2" -> SQLDialect.H2;
            case "postgres" -> SQLDialect.POSTGRES;
            default -> throw new IllegalArgumentException("unknown engine '" + engine + "' — use h2 or postgres");
        };
        databases = EmbeddedShards.start(dialect == SQLDialect.H2 ? Engine.H2 : Engine.POSTGRES, SHARD_COUNT);
        queries = open(system, databases.databases(), dialect);
        queries.createTable();
        for (long customer = 1; customer <= CUSTOMERS; customer++) {
            queries.insert(customer, customer);
        }
        keys = new SplittableRandom(SEED).longs(KEY_COUNT, 1, CUSTOMERS + 1).toArray();
        verify();
        for (int i = 0; i < PREWARM_FINDS; i++) {
            if (queries.find(keys[i & MASK]) == null) {
                throw new IllegalStateException(system + " on " + engine + ": customer " + keys[i & MASK] + " not found");
            }
        }
    }

    @Benchmark
    public Order find() {
        ops++;
        return queries.find(keys[cursor++ & MASK]);
    }

    @Benchmark
    public void insert() {
        ops++;
        long id = nextId++;
        queries.insert(id, id);
    }

    @Setup(Level.Iteration)
    public void startIteration() {
        iterationThread = Thread.currentThread();
        iterationOps = ops;
        iterationCpuNanos = THREADS.getCurrentThreadCpuTime();
    }

    /** Not measured: records the iteration's CPU time per operation, then removes the rows it inserted. */
    @TearDown(Level.Iteration)
    public void endIteration(IterationParams iteration) {
        if (Thread.currentThread() != iterationThread) {
            throw new IllegalStateException("iteration set-up and tear-down ran on different threads: CPU time per op would be wrong");
        }
        long cpu = THREADS.getCurrentThreadCpuTime() - iterationCpuNanos;
        long n = ops - iterationOps;
        if (iteration.getType() == IterationType.MEASUREMENT && n > 0) {
            cpuMicrosPerOp.add(cpu / 1e3 / n);
        }
        deleteInserted();
    }

    @TearDown(Level.Trial)
    public void tearDown(BenchmarkParams params) {
        String op = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
        double mean = cpuMicrosPerOp.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        System.out.printf(Locale.ROOT, "[cpu/op] %s %s %s: %.2f us CPU/op (benchmark thread, mean of %s)%n", op, engine,
                system, mean, cpuMicrosPerOp.stream().map(v -> String.format(Locale.ROOT, "%.2f", v)).toList());
        try {
            if (queries != null) queries.close();
        } finally {
            if (databases != null) databases.close();
        }
    }

    /** Removes the rows inserted since the last call, so tables do not grow from one iteration to the next. */
    private void deleteInserted() {
        if (nextId > clearedUpTo) {
            int deleted = queries.deleteFrom(INSERT_BASE);
            if (deleted != nextId - clearedUpTo) {
                throw new IllegalStateException(system + ": deleted " + deleted + " inserted rows, expected "
                        + (nextId - clearedUpTo));
            }
            clearedUpTo = nextId;
        }
    }

    /** Fails the trial unless this system reads back what it loaded, spread over every database, and can insert. */
    private void verify() {
        // The floor must route exactly as Shardkit does, or it would not be the floor of the same work.
        List<ShardId> ids = IntStream.range(0, SHARD_COUNT).mapToObj(i -> ShardId.of("s" + i)).toList();
        ModuloStrategy modulo = new ModuloStrategy(KeyHash.MURMUR3, ids);
        for (long key : keys) {
            if (!modulo.shardFor(key).equals(ids.get(RawJooqPointQueries.shardIndex(key, SHARD_COUNT)))) {
                throw new IllegalStateException("raw-jooq routes key " + key + " differently from Shardkit's modulo(murmur3)");
            }
        }

        List<Long> probes = new ArrayList<>(List.of(1L, 2L, 3L, 4L, 5L, (long) CUSTOMERS / 2, (long) CUSTOMERS));
        for (int i = 0; i < 16; i++) probes.add(keys[i * (KEY_COUNT / 16)]);
        for (long key : probes) {
            expect(new Order(key, key, OrdersTable.STATUS_NEW, OrdersTable.TOTAL_NEW), queries.find(key), "find(" + key + ")");
        }
        expect(null, queries.find(CUSTOMERS + 1L), "find(" + (CUSTOMERS + 1) + "), a customer never loaded");

        long[] rows = rowsPerDatabase();
        if (Arrays.stream(rows).sum() != CUSTOMERS || Arrays.stream(rows).anyMatch(r -> r < CUSTOMERS / (2L * SHARD_COUNT))) {
            throw new IllegalStateException(system + ": rows per database " + Arrays.toString(rows) + " — expected "
                    + CUSTOMERS + " in all, about " + CUSTOMERS / SHARD_COUNT + " on each; the system is not sharding");
        }

        long probe = nextId++;
        queries.insert(probe, probe);
        expect(new Order(probe, probe, OrdersTable.STATUS_NEW, OrdersTable.TOTAL_NEW), queries.find(probe), "find(" + probe + ") after insert");
        deleteInserted();
        expect(null, queries.find(probe), "find(" + probe + ") after delete");
        System.out.println("[" + system + " on " + engine + "] verified: " + probes.size() + " customers found, rows per database "
                + Arrays.toString(rows) + ", insert and delete round trip");
    }

    /** Counts the rows of every table named {@code orders*} in each database over plain JDBC, whatever the system named them. */
    private long[] rowsPerDatabase() {
        long[] rows = new long[SHARD_COUNT];
        for (int i = 0; i < SHARD_COUNT; i++) {
            TestDatabase db = databases.database(i);
            try (Connection c = db.open(); Statement s = c.createStatement()) {
                List<String> tables = new ArrayList<>();
                try (ResultSet rs = s.executeQuery("select table_name from information_schema.tables"
                        + " where table_schema = current_schema and lower(table_name) like 'orders%'")) {
                    while (rs.next()) tables.add(rs.getString(1));
                }
                for (String table : tables) {
                    try (ResultSet rs = s.executeQuery("select count(*) from \"" + table + "\"")) {
                        rs.next();
                        rows[i] += rs.getLong(1);
                    }
                }
            } catch (SQLException e) {
                throw new IllegalStateException("counting rows in " + db.name() + " failed: " + e.getMessage(), e);
            }
        }
        return rows;
    }

    private void expect(Order expected, Order actual, String what) {
        boolean same = expected == null ? actual == null
                : actual != null && expected.id() == actual.id() && expected.customerId() == actual.customerId()
                        && expected.status().equals(actual.status()) && expected.total().compareTo(actual.total()) == 0;
        if (!same) {
            throw new IllegalStateException(system + " on " + engine + ": " + what + " returned " + actual + ", expected " + expected);
        }
    }
}
