package io.shardkit.test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * A PostgreSQL primary with hot-standby replicas streaming from it, for read-replica and
 * read-your-writes tests.
 *
 * <p>Unlike {@link EmbeddedShards} this runs its own servers, never the JVM's shared one: replication
 * needs server settings ({@code wal_level=replica}, WAL senders, replication slots) that the shared
 * server does not have. The databases are created on the primary before the replicas are cloned from
 * it, so {@link #replicas()} names the same databases as {@link #primaries()}, on another port.
 *
 * <p>Replication is asynchronous: a row committed on the primary shows on a replica once the replica
 * has replayed it. {@link #awaitReplayCaughtUp(Duration)} waits for that; {@link #pauseReplay()} makes
 * the replicas deterministically stale until {@link #resumeReplay()}.
 *
 * <pre>{@code
 * try (ReplicatedPostgres pg = ReplicatedPostgres.start(2)) {
 *     try (Connection c = pg.primaries().get(0).open()) { ... write ... }
 *     pg.awaitReplayCaughtUp(Duration.ofSeconds(10));
 *     try (Connection c = pg.replicas().get(0).open()) { ... read ... }
 * }
 * }</pre>
 *
 * <p>Faults are real, for failover and leak tests: {@link #primary()} and each {@link Replica} can be killed
 * (SIGKILL of the server and its processes: a crash), frozen (SIGSTOP: a hung server whose port still accepts
 * connections that are never answered) and started again on the same port; the primary's client sessions can be
 * terminated, and its running statements listed. For faults on one shard only, {@link #startShards(int)} makes one
 * cluster per shard. Linux only, since they signal processes.
 *
 * <p>{@link #close()} stops every server and deletes their directories, whatever faults were left (frozen
 * servers are thawed first); a shutdown hook does the same if a test forgets. The directories sit in zonky's
 * working directory, where zonky's own start-up stops and deletes ones left by a killed JVM (after ten minutes).
 *
 * <p>Start-up is mostly file copying (a cluster is about 40 MB in a thousand files): initdb for the
 * JVM's first primary, then one copy per replica. Where the disk is slow, zonky's
 * {@code -Dot.epg.working-dir=/dev/shm/embedded-pg} moves it all to memory.
 */
public final class ReplicatedPostgres implements AutoCloseable {

    /** Each replica holds a WAL sender and a slot on the primary; the settings leave room for this many. */
    public static final int MAX_REPLICAS = 8;

    private final String id;
    private final ReplicationServers servers;
    private final Thread shutdownHook;
    // Set once booted, under this object's lock; volatile so other threads read them without it.
    private volatile List<Replica> replicas = List.of();
    private volatile PostgresPrimary primary;
    private boolean closed;

    private ReplicatedPostgres(String id) {
        this.id = id;
        this.servers = new ReplicationServers(id);
        this.shutdownHook = new Thread(this::close, "shardkit-replicated-postgres-" + id + "-shutdown");
    }

    /** A primary with {@code databases} empty databases and one streaming replica of them. */
    public static ReplicatedPostgres start(int databases) {
        return start(databases, 1);
    }

    /**
     * Starts a primary, creates {@code databases} empty databases on it ({@code shard_0}, {@code shard_1}, ...),
     * clones {@code replicas} hot standbys from it and returns once every replica streams and has
     * replayed everything the primary had written.
     *
     * @throws IllegalArgumentException if {@code databases} is below 1 or {@code replicas} is outside 1..{@value #MAX_REPLICAS}
     * @throws IllegalStateException if a server fails to start or a replica does not catch up; nothing is left running
     */
    public static ReplicatedPostgres start(int databases, int replicas) {
        if (databases < 1) {
            throw new IllegalArgumentException("databases must be at least 1: " + databases);
        }
        if (replicas < 1 || replicas > MAX_REPLICAS) {
            throw new IllegalArgumentException("replicas must be between 1 and " + MAX_REPLICAS + ": " + replicas);
        }
        String id = UUID.randomUUID().toString().substring(0, 8);
        ReplicatedPostgres cluster = new ReplicatedPostgres(id);
        Runtime.getRuntime().addShutdownHook(cluster.shutdownHook);
        try {
            cluster.boot(databases, replicas);
            return cluster;
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    /**
     * {@code shards} independent clusters, each a primary with one database {@code shard_0} and one replica, so a
     * fault on one server (a killed or frozen primary) hits one shard only. Started one after the other; each has its
     * own ports and directories. Close each when done:
     *
     * <pre>{@code
     * List<ReplicatedPostgres> shards = ReplicatedPostgres.startShards(4);
     * try {
     *     shards.get(1).primary().kill();
     *     ...
     * } finally {
     *     shards.forEach(ReplicatedPostgres::close);
     * }
     * }</pre>
     *
     * @return an immutable list, shard {@code i} at index {@code i}
     * @throws IllegalArgumentException if {@code shards} is below 1
     * @throws IllegalStateException if one fails to start; those started are closed again
     */
    public static List<ReplicatedPostgres> startShards(int shards) {
        if (shards < 1) {
            throw new IllegalArgumentException("shards must be at least 1: " + shards);
        }
        List<ReplicatedPostgres> started = new ArrayList<>(shards);
        try {
            for (int i = 0; i < shards; i++) {
                started.add(start(1, 1));
            }
            return List.copyOf(started);
        } catch (RuntimeException | Error e) {
            started.forEach(ReplicatedPostgres::close);
            throw e;
        }
    }

    /** The databases on the primary, in order; an immutable list. */
    public List<TestDatabase> primaries() {
        return servers.primaries();
    }

    /** The same databases on the first replica (read-only), in the same order; an immutable list. */
    public List<TestDatabase> replicas() {
        return replica(0).databases();
    }

    /** Replica {@code index}, counting from 0. */
    public Replica replica(int index) {
        if (index < 0 || index >= replicas.size()) {
            throw new IndexOutOfBoundsException("replica index " + index + " out of range: " + replicas.size()
                    + " replicas (0.." + (replicas.size() - 1) + ")");
        }
        return replicas.get(index);
    }

    public int replicaCount() {
        return replicas.size();
    }

    /** The primary server, for its faults: kill, freeze, terminating its sessions. */
    public PostgresPrimary primary() {
        return primary;
    }

    /** Pauses WAL replay on every running replica that is not frozen; see {@link Replica#pauseReplay()}. */
    public void pauseReplay() {
        for (Replica replica : replicas) {
            if (replica.standby.answering()) {
                replica.pauseReplay();
            }
        }
    }

    /** Resumes WAL replay on every running replica that is not frozen. */
    public void resumeReplay() {
        for (Replica replica : replicas) {
            if (replica.standby.answering()) {
                replica.resumeReplay();
            }
        }
    }

    /**
     * Waits until every running replica has replayed the primary's WAL up to the position it has
     * written when this method is called, so every commit that returned before the call is visible
     * on every running replica. Stopped, killed and frozen replicas are skipped.
     *
     * @throws IllegalStateException if a replica is still behind when {@code timeout} has passed, or the primary is
     *                               killed or frozen
     */
    public void awaitReplayCaughtUp(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        servers.awaitReplayCaughtUp(timeout);
    }

    /**
     * Waits until the primary shows every running replica that is not frozen as streaming (in
     * {@code pg_stat_replication}). {@link PostgresPrimary#start()} and {@link Replica#start()} wait for this themselves;
     * it is for a replica that streams again after the primary was thawed.
     *
     * @throws IllegalStateException if one does not stream within {@code timeout}, or the primary is killed or frozen
     */
    public void awaitReplicasStreaming(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        servers.awaitStreaming(timeout);
    }

    /** Stops the first replica; see {@link Replica#stop()}. */
    public void stopReplica() {
        replica(0).stop();
    }

    /** Starts the first replica again; see {@link Replica#start()}. */
    public void startReplica() {
        replica(0).start();
    }

    /**
     * Stops the replicas, then the primary, and deletes their directories. Best effort: never throws,
     * logs what it could not do, and does nothing the second time.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running or about to; close() is idempotent.
            }
        }
        servers.stopAndDelete();
    }

    @Override
    public String toString() {
        return "ReplicatedPostgres[id=" + id + ", databases=" + primaries().stream().map(TestDatabase::name).toList()
                + ", primary=" + servers.primaryAddress()
                + ", replicas=" + replicas.stream().map(Replica::toString).toList() + (closed ? ", closed" : "") + "]";
    }

    /** The directories of the primary and the replicas; for tests that check {@link #close()} deletes them. */
    List<Path> directories() {
        return servers.directories();
    }

    /** The ports of the primary and the replicas, in the order of {@link #directories()}. */
    List<Integer> ports() {
        return servers.ports();
    }

    private synchronized void boot(int databases, int replicaCount) {
        servers.boot(databases, replicaCount);
        primary = new PostgresPrimary(this, servers, servers.primary());
        replicas = servers.standbys().stream().map(Replica::new).toList();
    }

    /** Under this object's lock, which every start, stop and fault takes, so close() never races one. */
    void checkOpen(String server, String toDo) {
        if (closed) {
            throw new IllegalStateException("[" + server + "] cannot " + toDo + ": " + this + " is closed");
        }
    }

    /**
     * One hot standby of the primary. {@link #stop()}, {@link #kill()} and {@link #start()} keep its port and
     * directory, so its {@link #databases()} stay valid; a restarted replica resumes streaming where it stopped
     * (its slot on the primary kept the WAL) and replays unpaused.
     */
    public final class Replica {

        private final Standby standby;

        private Replica(Standby standby) {
            this.standby = standby;
        }

        /** This replica's copies of {@link #primaries()}, in the same order; an immutable list. */
        public List<TestDatabase> databases() {
            return standby.databases();
        }

        /** False after {@link #stop()} or {@link #kill()} until {@link #start()}; a frozen replica is running. */
        public boolean running() {
            return standby.running();
        }

        /** The same for its whole life, through stops, kills and restarts. */
        public int port() {
            return standby.port();
        }

        /**
         * The postmaster's PID, from the first line of {@code postmaster.pid} in its data directory.
         *
         * @throws IllegalStateException if it is stopped or killed
         */
        public long pid() {
            return standby.pid();
        }

        /**
         * Stops applying WAL from the primary: from the moment this returns, nothing the primary
         * commits becomes visible here until {@link #resumeReplay()}. WAL keeps arriving meanwhile.
         * Pausing is per server, so it covers all of this replica's databases.
         */
        public void pauseReplay() {
            Replay.pause(standby.name(), standby.runningPort("pause replay"));
        }

        /** Resumes applying WAL; what arrived while paused is applied at once. */
        public void resumeReplay() {
            Replay.resume(standby.name(), standby.runningPort("resume replay"));
        }

        /**
         * Waits until this replica has replayed the primary's WAL up to the position the primary has
         * written when this method is called.
         *
         * @throws IllegalStateException if it is still behind after {@code timeout}, or it or the primary is
         *                               stopped, killed or frozen
         */
        public void awaitReplayCaughtUp(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            int port = standby.runningPort("catch up");
            String target = Replay.primaryWalPosition(servers.primary().answeringPort("read its WAL position"));
            Replay.awaitReplayed(standby.name(), port, target, System.nanoTime() + timeout.toNanos(), timeout);
        }

        /**
         * Stops this replica's server (fast shutdown; thawed first if frozen), keeping its directory; connections to
         * it then fail as to any server that is down. Does nothing if it is already stopped or killed.
         */
        public void stop() {
            // The cluster's lock for every start and stop, so close() never races a start.
            synchronized (ReplicatedPostgres.this) {
                standby.stop();
            }
        }

        /**
         * Starts this replica again on the same port (after {@link #kill()}, crash recovery runs first) and returns
         * once it streams from the primary; if the primary is killed or frozen, once it accepts connections, and it
         * streams when the primary is back. Does nothing if it is running.
         *
         * @throws IllegalStateException if it does not start or does not reach the primary
         */
        public void start() {
            synchronized (ReplicatedPostgres.this) {
                checkOpen(standby.name(), "start");
                standby.start(servers.primaryPortIfAnswering());
            }
        }

        /**
         * Crashes this replica: SIGKILL to its postmaster and every process it had forked, then waits until all are
         * gone. Its connections fail on their next use, new ones are refused, and {@link #running()} is false until
         * {@link #start()}. Does nothing unless it is running.
         *
         * @throws IllegalStateException if a process is still there after 30 s
         */
        public void kill() {
            synchronized (ReplicatedPostgres.this) {
                checkOpen(standby.name(), "kill");
                standby.kill();
            }
        }

        /**
         * Hangs this replica: SIGSTOP to its postmaster and every process it has forked; connections are accepted by
         * the kernel but never answered until {@link #thaw()}. Cluster-wide waits and replay controls skip it meanwhile.
         * Does nothing if it is frozen already.
         *
         * @throws IllegalStateException if it is stopped or killed, or a process does not stop
         */
        public void freeze() {
            synchronized (ReplicatedPostgres.this) {
                checkOpen(standby.name(), "freeze");
                standby.freeze();
            }
        }

        /** SIGCONT to every process {@link #freeze()} stopped and any forked since. Does nothing unless frozen. */
        public void thaw() {
            synchronized (ReplicatedPostgres.this) {
                standby.thaw();
            }
        }

        public boolean frozen() {
            return standby.frozen();
        }

        @Override
        public String toString() {
            return standby.toString();
        }
    }
}
