package io.shardkit.test;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The servers behind one {@link ReplicatedPostgres}: boots the primary, its databases and the standbys in that
 * order, and stops them the other way round. The owner serialises {@link #boot}, {@link #stopAndDelete} and every
 * start, stop, kill, freeze and thaw of the servers.
 */
final class ReplicationServers {

    private static final Logger log = LoggerFactory.getLogger(ReplicationServers.class);

    private final String id;
    private final Path primaryDirectory;
    // Written while booting; volatile so other threads read them without the owner's lock.
    private volatile Postmaster primary;
    private volatile List<TestDatabase> primaries = List.of();
    private volatile List<Standby> standbys = List.of();

    ReplicationServers(String id) {
        this.id = id;
        this.primaryDirectory = DataDirectories.workingDirectory().resolve("shardkit-" + id + "-primary");
    }

    /** The primary's server; null until {@link #boot} has reserved its port. */
    Postmaster primary() {
        return primary;
    }

    /** "localhost:port" of the primary (with ", killed" or ", frozen"), or "none" before it has a port. */
    String primaryAddress() {
        Postmaster server = primary;
        return server == null ? "none"
                : "localhost:" + server.port() + (server.killed() ? ", killed" : server.frozen() ? ", frozen" : "");
    }

    List<TestDatabase> primaries() {
        return primaries;
    }

    List<Standby> standbys() {
        return standbys;
    }

    /**
     * Starts the primary, creates the databases, clones the standbys and returns once every standby streams, has
     * replayed everything the primary had written, and is in recovery.
     */
    void boot(int databaseCount, int replicaCount) {
        long t0 = System.nanoTime();
        primary = new Postmaster("primary", primaryDirectory);
        startPrimary();
        int primaryPort = primary.port();
        long t1 = System.nanoTime();

        List<String> names = createDatabases(databaseCount);
        primaries = names.stream().map(name -> PostgresProcess.database(name, primaryPort)).toList();
        long t2 = System.nanoTime();

        // Known before anything is copied, so stopAndDelete() deletes half-made copies too.
        List<Standby> made = new ArrayList<>(replicaCount);
        for (int n = 1; n <= replicaCount; n++) {
            made.add(new Standby(n, DataDirectories.workingDirectory().resolve("shardkit-" + id + "-replica-" + n), names));
            standbys = List.copyOf(made); // each at once: it holds a port
        }
        BaseBackup.cloneStandbys("shardkit-" + id, primaryDirectory, primaryPort, standbys);
        long t3 = System.nanoTime();

        for (Standby standby : standbys) {
            standby.start(primaryPort);
        }
        awaitReplayCaughtUp(Replay.READY_WAIT);
        for (Standby standby : standbys) {
            Replay.checkInRecovery(standby.name(), standby.port(), standby.databases());
        }
        long t4 = System.nanoTime();
        log.info("[replicated-postgres {}] primary localhost:{} with {} databases and {} replica(s) on {} ready in {} ms "
                        + "(primary {} ms, databases {} ms, base backup {} ms, replicas {} ms)",
                id, primaryPort, databaseCount, replicaCount, standbys.stream().map(s -> "localhost:" + s.port()).toList(),
                millis(t4 - t0), millis(t1 - t0), millis(t2 - t1), millis(t3 - t2), millis(t4 - t3));
    }

    /** Waits until every running, unfrozen standby has replayed the WAL the primary has written by now. */
    void awaitReplayCaughtUp(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String target = Replay.primaryWalPosition(primary.answeringPort("read its WAL position"));
        for (Standby standby : standbys) {
            if (standby.answering()) {
                Replay.awaitReplayed(standby.name(), standby.runningPort("catch up"), target, deadline, timeout);
            }
        }
    }

    /** Waits until the primary shows every running, unfrozen standby as streaming. */
    void awaitStreaming(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int primaryPort = primary.answeringPort("wait for its replicas");
        for (Standby standby : standbys) {
            if (standby.answering()) {
                standby.awaitStreaming(primaryPort, deadline, timeout);
            }
        }
    }

    /** The primary's port if it answers (running, not frozen), else 0. */
    int primaryPortIfAnswering() {
        Postmaster server = primary;
        return server != null && server.answering() ? server.port() : 0;
    }

    /**
     * Stops the standbys, then the primary, and deletes their directories; best effort, never throws. Frozen servers
     * are thawed first (a stop signal would wait behind SIGSTOP), killed ones started again so zonky stops them cleanly.
     */
    void stopAndDelete() {
        long started = System.nanoTime();
        // Standbys first: a primary stopping with WAL senders attached waits for them.
        for (Standby standby : standbys) {
            standby.stopAndDelete();
        }
        if (primary != null) {
            primary.stopAndDelete();
        } else {
            DataDirectories.deleteWithLog(primaryDirectory);
        }
        log.info("[replicated-postgres {}] stopped and deleted in {} ms", id, millis(System.nanoTime() - started));
    }

    /** The directories of the primary and the standbys. */
    List<Path> directories() {
        List<Path> all = new ArrayList<>();
        all.add(primaryDirectory);
        standbys.forEach(s -> all.add(s.directory()));
        return all;
    }

    /** The ports of the primary and the standbys, in the order of {@link #directories()}. */
    List<Integer> ports() {
        List<Integer> all = new ArrayList<>();
        all.add(primary == null ? 0 : primary.port());
        standbys.forEach(s -> all.add(s.port()));
        return all;
    }

    /**
     * Starts the primary. The first one in the JVM runs initdb and leaves a copy of the fresh cluster as
     * a template; later ones start from a copy of that template.
     */
    private void startPrimary() {
        Path template = InitdbTemplate.get();
        if (template == null) {
            primary.start(InitdbTemplate::offer);
            return;
        }
        try {
            DataDirectories.copy(template, primaryDirectory, false);
        } catch (IOException e) {
            throw new IllegalStateException("[primary] could not copy the initdb template " + template + " to "
                    + primaryDirectory + ": " + e + " — check free space in " + DataDirectories.workingDirectory(), e);
        }
        primary.start(null);
    }

    /** {@code shard_0}, {@code shard_1}, ... on the primary, before any standby is cloned. */
    private List<String> createDatabases(int count) {
        int primaryPort = primary.port();
        List<String> names = new ArrayList<>(count);
        try (Connection c = PostgresProcess.connect(primaryPort); Statement s = c.createStatement()) {
            for (int i = 0; i < count; i++) {
                String name = Names.checked("shard_" + i);
                s.execute("CREATE DATABASE " + name);
                names.add(name);
            }
        } catch (SQLException e) {
            throw PostgresProcess.failure("primary", "could not create databases on localhost:" + primaryPort
                    + " (" + names.size() + " of " + count + " created)", e);
        }
        return names;
    }

    private static long millis(long nanos) {
        return nanos / 1_000_000;
    }
}
