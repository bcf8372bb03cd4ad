package io.shardkit.test;

import java.util.List;
import java.util.Objects;

/**
 * A MariaDB server of its own, for tests that crash it: {@link #kill()} SIGKILLs mariadbd, {@link #start()} starts it
 * again on the same data directory and port. Unlike the shared server of {@link EmbeddedShards}, InnoDB flushes its
 * log at each commit, so what a commit or an {@code XA PREPARE} returned survives the crash.
 */
public final class MariaDbFaults implements AutoCloseable {
    private final MariaDbServer server;
    private final List<TestDatabase> databases;
    private boolean running = true;

    private MariaDbFaults(MariaDbServer server, List<TestDatabase> databases) {
        this.server = server;
        this.databases = List.copyOf(databases);
    }

    /** Starts a server (a few seconds) with {@code count} empty databases, {@code shard_0} and on. */
    public static MariaDbFaults start(int count) {
        if (count < 1) throw new IllegalArgumentException("count must be at least 1: " + count);
        OptionalLibrary.require(Engine.MARIADB);
        MariaDbServer server = MariaDbServer.start(true);
        try {
            List<String> names = new java.util.ArrayList<>();
            for (int i = 0; i < count; i++) names.add("shard_" + i);
            return new MariaDbFaults(server, server.create(names));
        } catch (RuntimeException e) {
            server.stop();
            throw e;
        }
    }

    public List<TestDatabase> databases() {
        return databases;
    }

    public TestDatabase database(int index) {
        Objects.checkIndex(index, databases.size());
        return databases.get(index);
    }

    /** Crashes the server: SIGKILL to mariadbd, then waits until it is gone. Open connections fail on next use. */
    public synchronized void kill() {
        if (!running) throw new IllegalStateException("[MARIADB] already killed: start() it first");
        server.kill();
        running = false;
    }

    /** Starts the server again after {@link #kill()}: crash recovery, then it accepts connections. */
    public synchronized void start() {
        if (running) return;
        server.restart();
        running = true;
    }

    public synchronized boolean running() {
        return running;
    }

    /** Stops the server and deletes its files. */
    @Override
    public synchronized void close() {
        server.stop();
    }

    @Override
    public String toString() {
        return "MariaDbFaults[" + server.address() + (running ? "" : ", killed") + "]";
    }
}
