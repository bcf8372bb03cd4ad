package io.shardkit.test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The server of one hot standby behind {@link ReplicatedPostgres.Replica}. Stops, kills and restarts keep its port and
 * directory, so its databases stay valid. Its owner serialises {@link #start}, {@link #stop}, {@link #kill},
 * {@link #freeze} and {@link #thaw}.
 */
final class Standby {

    private final int number;
    private final Postmaster server;
    private final List<TestDatabase> databases;

    /** @param names the databases it holds, as on the primary */
    Standby(int number, Path directory, List<String> names) {
        this.number = number;
        this.server = new Postmaster("replica " + number, directory);
        this.databases = names.stream().map(n -> PostgresProcess.database(n, server.port())).toList();
    }

    int number() {
        return number;
    }

    Path directory() {
        return server.directory();
    }

    /** Reserved when made, before the first start. */
    int port() {
        return server.port();
    }

    List<TestDatabase> databases() {
        return databases;
    }

    boolean running() {
        return server.running();
    }

    boolean frozen() {
        return server.frozen();
    }

    /** Running and not frozen: what the cluster-wide waits and replay controls act on. */
    boolean answering() {
        return server.answering();
    }

    /** "replica 1", ...: for messages. */
    String name() {
        return server.role();
    }

    /** The port of the running, unfrozen server. */
    int runningPort(String toDo) {
        return server.answeringPort(toDo);
    }

    long pid() {
        return server.pid();
    }

    /**
     * Starts the server (zonky after a stop, pg_ctl after a kill) and, if the primary answers, waits until it streams
     * from it; no-op if running.
     *
     * @param primaryPort 0 if the primary does not answer (killed or frozen): then the replica streams once it does
     */
    void start(int primaryPort) {
        if (server.running()) {
            return;
        }
        server.start(null);
        if (primaryPort != 0) {
            awaitStreaming(primaryPort, System.nanoTime() + Replay.READY_WAIT.toNanos(), Replay.READY_WAIT);
        }
    }

    /** Until the primary at {@code primaryPort} shows this standby as streaming. */
    void awaitStreaming(int primaryPort, long deadline, Duration timeout) {
        Replay.awaitStreaming(name(), primaryPort, ReplicationSettings.slotName(number), server.directory(), deadline, timeout);
    }

    /** Stops the server (fast shutdown) and keeps the directory locked against zonky's clean-up; no-op unless running. */
    void stop() {
        server.stop();
    }

    /** SIGKILLs the server's processes and waits until they are gone; no-op unless running. */
    void kill() {
        server.kill();
    }

    void freeze() {
        server.freeze();
    }

    void thaw() {
        server.thaw();
    }

    /** Stops the server and deletes its directory, best effort. */
    void stopAndDelete() {
        server.stopAndDelete();
    }

    @Override
    public String toString() {
        return server.toString();
    }
}
