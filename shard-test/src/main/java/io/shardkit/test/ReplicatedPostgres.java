package io.shardkit.test;

import java.nio.file.Path;
import java.time.Duration;
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
 * <p>{@link #close()} stops every server and deletes their directories; a shutdown hook does the same
 * if a test forgets. The directories sit in zonky's working directory, where zonky's own start-up
 * stops and deletes ones left by a killed JVM (after ten minutes).
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
    // Set once booted, under this object's lock; volatile so other threads read it without it.
    private volatile List<Replica> replicas = List.of();
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

    /** Pauses WAL replay on every running replica; see {@link Replica#pauseReplay()}. */
    public void pauseReplay() {
        for (Replica replica : replicas) {
            if (replica.running()) {
                replica.pauseReplay();
            }
        }
    }

    /** Resumes WAL replay on every running replica. */
    public void resumeReplay() {
        for (Replica replica : replicas) {
            if (replica.running()) {
                replica.resumeReplay();
            }
        }
    }

    /**
     * Waits until every running replica has replayed the primary's WAL up to the position it has
     * written when this method is called, so every commit that returned before the call is visible
     * on every running replica. Stopped replicas are skipped.
     *
     * @throws IllegalStateException if a replica is still behind when {@code timeout} has passed
     */
    public void awaitReplayCaughtUp(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        servers.awaitReplayCaughtUp(timeout);
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
        replicas = servers.standbys().stream().map(Replica::new).toList();
    }

    /**
     * One hot standby of the primary. {@link #stop()} and {@link #start()} keep its port and directory,
     * so its {@link #databases()} stay valid; a restarted replica resumes streaming where it stopped
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

        public boolean running() {
            return standby.running();
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
         * @throws IllegalStateException if it is still behind after {@code timeout}, or is stopped
         */
        public void awaitReplayCaughtUp(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            Replay.awaitReplayed(standby.name(), standby.runningPort("catch up"), Replay.primaryWalPosition(servers.primaryPort()),
                    System.nanoTime() + timeout.toNanos(), timeout);
        }

        /**
         * Stops this replica's server (fast shutdown), keeping its directory; connections to it then
         * fail as to any server that is down. Does nothing if it is already stopped.
         */
        public void stop() {
            // The cluster's lock for every start and stop, so close() never races a start.
            synchronized (ReplicatedPostgres.this) {
                standby.stop();
            }
        }

        /**
         * Starts this replica again on the same port and returns once it streams from the primary.
         * Does nothing if it is running.
         *
         * @throws IllegalStateException if it does not start or does not reach the primary
         */
        public void start() {
            synchronized (ReplicatedPostgres.this) {
                if (closed) {
                    throw new IllegalStateException("[" + standby.name() + "] cannot start: " + ReplicatedPostgres.this + " is closed");
                }
                standby.start(servers.primaryPort());
            }
        }

        @Override
        public String toString() {
            return standby.toString();
        }
    }
}
