package io.shardkit.test;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One server of a {@link ReplicatedPostgres} — the primary or a standby — on its own data directory and on one port for
 * its whole life, through stops, kills and freezes. Its owner serialises every method but the getters.
 *
 * <ul>
 *   <li><b>running</b>: a zonky object started it and holds the directory's lock file;
 *   <li><b>stopped</b> ({@link #stop()}, a clean shutdown): that object is closed, and this class holds the lock file
 *       in its place; {@link #start} makes a new one;
 *   <li><b>killed</b> ({@link #kill()}): the processes are gone but the zonky object stays, holding the lock, since its
 *       close() would fail on the dead server; {@link #start} restarts the server with pg_ctl, and that object's close()
 *       stops it later ({@link #stopAndDelete()} restarts a server left killed for that);
 *   <li><b>frozen</b> ({@link #freeze()}): running, with every process stopped by SIGSTOP until {@link #thaw()}.
 * </ul>
 */
final class Postmaster {

    private static final Logger log = LoggerFactory.getLogger(Postmaster.class);

    private final String role;
    private final Path directory;
    private final Ports.Port port;
    // Read without the owner's lock by the getters, hence volatile.
    private volatile EmbeddedPostgres zonky;
    private volatile boolean killed;
    private volatile Set<ProcessHandle> frozen;
    // Held while stopped, in place of zonky's; see DataDirectories.holdZonkyLock.
    private FileChannel lockWhileStopped;

    /** @param role "primary", "replica 1", ...: for messages */
    Postmaster(String role, Path directory) {
        this.role = role;
        this.directory = directory;
        this.port = Ports.reserve(role);
    }

    String role() {
        return role;
    }

    Path directory() {
        return directory;
    }

    int port() {
        return port.number();
    }

    /** Started and neither stopped nor killed since; a frozen server is running. */
    boolean running() {
        return zonky != null && !killed;
    }

    boolean killed() {
        return killed;
    }

    boolean frozen() {
        return frozen != null;
    }

    /** Running and not frozen: a connection to it gets answers. */
    boolean answering() {
        return running() && !frozen();
    }

    /** The port of an answering server; else why not, as "[role] cannot {toDo}: it is ... — call ... first". */
    int answeringPort(String toDo) {
        if (!running()) {
            throw new IllegalStateException("[" + role + "] cannot " + toDo + ": it is " + (killed ? "killed" : "stopped")
                    + " — call start() first");
        }
        if (frozen()) {
            throw new IllegalStateException("[" + role + "] cannot " + toDo + ": it is frozen — call thaw() first");
        }
        return port.number();
    }

    /** The postmaster's PID, from {@code postmaster.pid}. */
    long pid() {
        if (!running()) {
            throw new IllegalStateException("[" + role + "] has no postmaster: it is " + (killed ? "killed" : "stopped")
                    + " — call start() first");
        }
        return ServerProcesses.postmasterPid(directory, role);
    }

    /**
     * Starts the server on its port: zonky the first time and after {@link #stop()}, pg_ctl after {@link #kill()} (crash
     * recovery then runs first); returns once it accepts connections. Does nothing if it is running.
     *
     * @param afterInitdb for zonky, called between initdb and the first start; may be null
     */
    void start(Consumer<File> afterInitdb) {
        if (running()) {
            return;
        }
        if (killed) {
            long started = System.nanoTime();
            PostgresProcess.restartAfterKill(directory, role);
            killed = false;
            log.info("[{}] started again on localhost:{} after a kill in {} ms (crash recovery included)", role, port, millis(started));
            return;
        }
        DataDirectories.closeQuietly(lockWhileStopped); // zonky takes the lock itself, and fails if this JVM holds it
        lockWhileStopped = null;
        zonky = PostgresProcess.start(directory, port.number(), role, afterInitdb);
    }

    /** Stops the server (fast shutdown; thawed first if frozen), keeping the directory; does nothing unless running. */
    void stop() {
        if (!running()) {
            return;
        }
        thaw();
        EmbeddedPostgres running = zonky;
        zonky = null;
        PostgresProcess.stopQuietly(running, role);
        try {
            lockWhileStopped = DataDirectories.holdZonkyLock(directory);
        } catch (IOException e) {
            log.warn("[{}] could not lock {} while stopped; a zonky start-up may delete it after ten minutes: {}",
                    role, directory, e.toString());
        }
    }

    /** SIGKILLs the server's processes (frozen or not) and waits until they are gone; does nothing unless running. */
    void kill() {
        if (!running()) {
            return;
        }
        long started = System.nanoTime();
        long pid = pid();
        ServerProcesses.kill(role, pid);
        killed = true;
        frozen = null;
        ServerProcesses.removeLockFiles(role, directory, pid);
        log.info("[{}] killed (postmaster {} on localhost:{} and its processes) in {} ms", role, pid, port, millis(started));
    }

    /** SIGSTOPs the server's processes; does nothing if frozen already. */
    void freeze() {
        if (frozen()) {
            return;
        }
        answeringPort("freeze");
        long started = System.nanoTime();
        frozen = ServerProcesses.freeze(role, pid());
        log.info("[{}] frozen ({} processes stopped) in {} ms", role, frozen.size(), millis(started));
    }

    /** SIGCONTs what {@link #freeze()} stopped and any process forked since; does nothing unless frozen. */
    void thaw() {
        Set<ProcessHandle> stopped = frozen;
        if (stopped == null) {
            return;
        }
        long started = System.nanoTime();
        ServerProcesses.thaw(role, stopped, pid());
        frozen = null;
        log.info("[{}] thawed in {} ms", role, millis(started));
    }

    /**
     * Stops the server however it was left — thawed first if frozen (killed if that fails), started first if killed —
     * releases its lock and port and deletes its directory. Best effort: logs what it could not do, never throws.
     */
    void stopAndDelete() {
        if (frozen()) {
            try {
                thaw();
            } catch (RuntimeException e) {
                log.warn("[{}] could not thaw it before stopping it, killing it instead: {}", role, e.getMessage());
                try {
                    kill();
                } catch (RuntimeException again) {
                    log.warn("[{}] could not kill it either: {}", role, again.getMessage());
                }
            }
        }
        EmbeddedPostgres server = zonky;
        zonky = null;
        if (server != null) {
            if (killed) {
                // Zonky's close() runs pg_ctl stop, which fails on a dead server, and zonky logs that as an error with a
                // long stack trace; a restart (crash recovery, well under a second) lets it stop the server cleanly.
                try {
                    PostgresProcess.restartAfterKill(directory, role);
                    killed = false;
                } catch (RuntimeException e) {
                    log.warn("[{}] could not start the killed server again to stop it cleanly, so zonky will log 'Could not "
                            + "stop postmaster' while it lets go of the directory's lock file: {}", role, e.getMessage());
                }
            }
            PostgresProcess.stopQuietly(server, role);
        }
        killed = false;
        frozen = null;
        DataDirectories.closeQuietly(lockWhileStopped);
        lockWhileStopped = null;
        DataDirectories.deleteWithLog(directory);
        port.close();
    }

    private static long millis(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }

    @Override
    public String toString() {
        return role + "[localhost:" + port + (killed ? ", killed" : running() ? (frozen() ? ", frozen" : "") : ", stopped") + "]";
    }
}
