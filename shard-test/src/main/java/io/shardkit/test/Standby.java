package io.shardkit.test;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server of one hot standby behind {@link ReplicatedPostgres.Replica}. Stops and starts keep its port and
 * directory, so its databases stay valid. Its owner serialises {@link #start} and {@link #stop}.
 */
final class Standby {

    private static final Logger log = LoggerFactory.getLogger(Standby.class);

    private final int number;
    private final Path directory;
    private final List<String> names;
    private volatile EmbeddedPostgres server;
    private volatile int port;
    private volatile List<TestDatabase> databases = List.of();
    // Held while stopped, in place of the server's; see DataDirectories.holdZonkyLock.
    private FileChannel lockWhileStopped;

    /** @param names the databases it holds, as on the primary */
    Standby(int number, Path directory, List<String> names) {
        this.number = number;
        this.directory = directory;
        this.names = List.copyOf(names);
    }

    int number() {
        return number;
    }

    Path directory() {
        return directory;
    }

    /** 0 until the first start. */
    int port() {
        return port;
    }

    List<TestDatabase> databases() {
        return databases;
    }

    boolean running() {
        return server != null;
    }

    /** "replica 1", ...: for messages. */
    String name() {
        return "replica " + number;
    }

    /** The port of the running server. */
    int runningPort(String toDo) {
        EmbeddedPostgres running = server;
        if (running == null) {
            throw new IllegalStateException("[" + name() + "] cannot " + toDo + ": it is stopped — call start() first");
        }
        return running.getPort();
    }

    /** Starts the server (on a free port the first time) and waits until it streams from the primary; no-op if running. */
    void start(int primaryPort) {
        if (server != null) {
            return;
        }
        DataDirectories.closeQuietly(lockWhileStopped); // zonky takes the lock itself, and fails if this JVM holds it
        lockWhileStopped = null;
        EmbeddedPostgres started = PostgresProcess.start(directory, port, name(), null);
        server = started;
        if (port == 0) {
            port = started.getPort();
            databases = names.stream().map(n -> PostgresProcess.database(n, port)).toList();
        }
        Replay.awaitStreaming(name(), primaryPort, ReplicationSettings.slotName(number), directory);
    }

    /** Stops the server (fast shutdown) and keeps the directory locked against zonky's clean-up; no-op if stopped. */
    void stop() {
        if (server == null) {
            return;
        }
        stopServer();
        try {
            lockWhileStopped = DataDirectories.holdZonkyLock(directory);
        } catch (IOException e) {
            log.warn("[{}] could not lock {} while stopped; a zonky start-up may delete it after ten minutes: {}",
                    name(), directory, e.toString());
        }
    }

    /** Stops the server and deletes its directory, best effort. */
    void stopAndDelete() {
        stopServer();
        DataDirectories.closeQuietly(lockWhileStopped);
        DataDirectories.deleteWithLog(directory);
    }

    @Override
    public String toString() {
        return name() + "[localhost:" + port + (running() ? "" : ", stopped") + "]";
    }

    private void stopServer() {
        EmbeddedPostgres running = server;
        server = null;
        if (running != null) {
            PostgresProcess.stopQuietly(running, name());
        }
    }
}
