package io.shardkit.test;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * N fresh, empty databases for one test (or test class), named {@code shard_<run>_<i>}.
 *
 * <p>The databases of every {@code EmbeddedShards} of an engine live on one server shared by the
 * whole JVM, so a test run starts at most one PostgreSQL and one MariaDB. {@link #close()} drops
 * this instance's databases and leaves the server running for the next test; the server stops at
 * JVM exit.
 *
 * <pre>{@code
 * try (EmbeddedShards shards = EmbeddedShards.start(Engine.POSTGRES, 3)) {
 *     try (Connection c = shards.database(0).open()) { ... }
 * }
 * }</pre>
 */
public final class EmbeddedShards implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedShards.class);
    private static final AtomicInteger RUNS = new AtomicInteger();

    private final Engine engine;
    private final ShardServer server;
    private final List<TestDatabase> databases;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedShards(Engine engine, ShardServer server, List<TestDatabase> databases) {
        this.engine = engine;
        this.server = server;
        this.databases = List.copyOf(databases);
    }

    /**
     * Creates {@code count} empty databases on the engine's shared server, starting the server if
     * this is its first use in the JVM.
     *
     * @throws IllegalArgumentException if {@code count} is less than 1
     * @throws org.opentest4j.TestAbortedException for {@link Engine#POSTGRES_CONTAINER} without a
     *         Docker engine, so JUnit reports the test as skipped with the reason
     * @throws IllegalStateException if the server cannot start or the databases cannot be created
     */
    public static EmbeddedShards start(Engine engine, int count) {
        Objects.requireNonNull(engine, "engine");
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1: " + count);
        }
        ShardServer server = SharedServers.get(engine);
        int run = RUNS.incrementAndGet();
        List<String> names = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            names.add("shard_" + run + "_" + i);
        }
        EmbeddedShards shards = new EmbeddedShards(engine, server, server.create(names));
        log.debug("[{}] created {}", engine, names);
        return shards;
    }

    public Engine engine() {
        return engine;
    }

    /** The databases in shard order; an immutable list. */
    public List<TestDatabase> databases() {
        return databases;
    }

    /** The database of shard {@code index}, counting from 0. */
    public TestDatabase database(int index) {
        if (index < 0 || index >= databases.size()) {
            throw new IndexOutOfBoundsException("shard index " + index + " out of range: " + databases.size()
                    + " databases (0.." + (databases.size() - 1) + ")");
        }
        return databases.get(index);
    }

    /**
     * Drops this instance's databases, best effort: never throws, does nothing the second time,
     * and does nothing once the server has stopped at JVM exit.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            server.drop(databases);
        }
    }

    @Override
    public String toString() {
        return "EmbeddedShards[engine=" + engine + ", databases="
                + databases.stream().map(TestDatabase::name).toList() + (closed.get() ? ", closed" : "") + "]";
    }
}
