package io.shardkit.test;

import java.util.List;
import java.util.Objects;

/**
 * The primary server of a {@link ReplicatedPostgres}. Its faults are real: {@link #kill()} and {@link #freeze()} signal its processes (Linux),
 * {@link #terminateBackends(String)} ends sessions as an administrator would.
 *
 * <p>The replicas stream from this port; after {@link #start()} they reconnect on their own (they retry every
 * 200 ms) and {@code start()} waits until they stream.
 */
public final class PostgresPrimary {

    private final ReplicatedPostgres owner;
    private final ReplicationServers servers;
    private final Postmaster server;

    PostgresPrimary(ReplicatedPostgres owner, ReplicationServers servers, Postmaster server) {
        this.owner = owner;
        this.servers = servers;
        this.server = server;
    }

    /** The same for its whole life, through kills and restarts. */
    public int port() {
        return server.port();
    }

    /**
     * The postmaster's PID, from the first line of {@code postmaster.pid} in its data directory; a new one after
     * each {@link #start()}.
     *
     * @throws IllegalStateException if it is killed
     */
    public long pid() {
        return server.pid();
    }

    /** False after {@link #kill()} until {@link #start()}; a frozen primary is running. */
    public boolean running() {
        return server.running();
    }

    /**
     * Crashes the primary: SIGKILL to the postmaster and to every process it had forked (backends, WAL writer,
     * checkpointer, WAL senders), then waits until all are gone, so {@link #start()} can take the port and the
     * shared memory at once. Open connections fail on their next use (SQLState 08006), new ones are refused
     * (08001), the replicas lose their stream and keep serving reads. Commits that returned survive: the server
     * runs with {@code fsync=off}, but what it wrote is in the operating system's page cache, which a process
     * crash does not lose. Works on a frozen primary too; does nothing if it is killed already.
     *
     * @throws IllegalStateException if a process is still there after 30 s
     */
    public void kill() {
        synchronized (owner) {
            owner.checkOpen(server.role(), "kill");
            server.kill();
        }
    }

    /**
     * Starts the primary again after {@link #kill()}, on the same port and data directory: crash recovery runs,
     * then this returns once it accepts connections and every running replica that is not frozen streams from
     * it again (up to 60 s). Does nothing if it is running.
     *
     * @throws IllegalStateException if it does not start, or a replica does not stream again
     */
    public void start() {
        synchronized (owner) {
            owner.checkOpen(server.role(), "start");
            if (server.running()) {
                return;
            }
            server.start(null);
            servers.awaitStreaming(Replay.READY_WAIT);
        }
    }

    /**
     * Hangs the primary: SIGSTOP to the postmaster and every process it has forked, and returns once all are
     * stopped. The kernel still accepts connections on its port, but nothing answers them, a running query never
     * returns and a commit never completes, until {@link #thaw()}: clients without timeouts hang. Methods of this
     * cluster that need the primary (such as {@link ReplicatedPostgres#awaitReplayCaughtUp}) refuse meanwhile.
     * Does nothing if it is frozen already.
     *
     * @throws IllegalStateException if it is killed, or a process does not stop
     */
    public void freeze() {
        synchronized (owner) {
            owner.checkOpen(server.role(), "freeze");
            server.freeze();
        }
    }

    /**
     * Ends {@link #freeze()}: SIGCONT to every process it stopped and to any the postmaster forked since, then
     * returns once none is stopped. Queries that waited go on; clients that timed out meanwhile have closed their
     * connections. Does nothing unless frozen.
     */
    public void thaw() {
        synchronized (owner) {
            server.thaw();
        }
    }

    public boolean frozen() {
        return server.frozen();
    }

    /**
     * Ends every client session connected to {@code database}, as {@code pg_terminate_backend} does for an
     * administrator, and returns once they have exited: each client gets SQLState 57P01 (admin_shutdown) on its
     * next statement, or at once if it was running one. The replicas' connections are not client sessions.
     *
     * @return how many sessions were ended
     * @throws IllegalStateException if the primary is killed or frozen
     */
    public int terminateBackends(String database) {
        Objects.requireNonNull(database, "database");
        return Backends.terminate(server.role(), server.answeringPort("terminate backends"), database);
    }

    /** {@link #terminateBackends(String)} for every database of the primary. */
    public int terminateAllClientBackends() {
        return Backends.terminate(server.role(), server.answeringPort("terminate backends"), null);
    }

    /**
     * The text of every statement of a client session on {@code database} that is not idle: running, or idle in
     * a transaction (then the last statement of that transaction). For leak checks: after a test, no statement
     * should be left running and no transaction open. Sessions of the server itself (autovacuum, WAL senders) are
     * left out, and so is the connection that asks.
     *
     * @throws IllegalStateException if the primary is killed or frozen
     */
    public List<String> activeStatements(String database) {
        Objects.requireNonNull(database, "database");
        return Backends.activeStatements(server.role(), server.answeringPort("list active statements"), database);
    }

    @Override
    public String toString() {
        return server.toString();
    }
}
