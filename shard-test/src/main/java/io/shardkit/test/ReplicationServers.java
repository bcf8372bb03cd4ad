package io.shardkit.test;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
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
 * order, and stops them the other way round. The owner serialises {@link #boot}, {@link #stopAndDelete} and the
 * standbys' starts and stops.
 */
final class ReplicationServers {

    private static final Logger log = LoggerFactory.getLogger(ReplicationServers.class);

    private final String id;
    private final Path primaryDirectory;
    // Written while booting; volatile so other threads read them without the owner's lock.
    private volatile EmbeddedPostgres primary;
    private volatile int primaryPort;
    private volatile List<TestDatabase> primaries = List.of();
    private volatile List<Standby> standbys = List.of();

    ReplicationServers(String id) {
        this.id = id;
        this.primaryDirectory = DataDirectories.workingDirectory().resolve("shardkit-" + id + "-primary");
    }

    int primaryPort() {
        return primaryPort;
    }

    /** "localhost:port" of the primary, or "none" before it started. */
    String primaryAddress() {
        EmbeddedPostgres running = primary;
        return running == null ? "none" : "localhost:" + running.getPort();
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
        primary = startPrimary();
        primaryPort = primary.getPort();
        long t1 = System.nanoTime();

        List<String> names = createDatabases(databaseCount);
        primaries = names.stream().map(name -> PostgresProcess.database(name, primaryPort)).toList();
        long t2 = System.nanoTime();

        // Known before anything is copied, so stopAndDelete() deletes half-made copies too.
        List<Standby> made = new ArrayList<>(replicaCount);
        for (int n = 1; n <= replicaCount; n++) {
            made.add(new Standby(n, DataDirectories.workingDirectory().resolve("shardkit-" + id + "-replica-" + n), names));
        }
        standbys = List.copyOf(made);
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

    /** Waits until every running standby has replayed the WAL the primary has written by now. */
    void awaitReplayCaughtUp(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String target = Replay.primaryWalPosition(primaryPort);
        for (Standby standby : standbys) {
            if (standby.running()) {
                Replay.awaitReplayed(standby.name(), standby.runningPort("catch up"), target, deadline, timeout);
            }
        }
    }

    /** Stops the standbys, then the primary, and deletes their directories; best effort, never throws. */
    void stopAndDelete() {
        long started = System.nanoTime();
        // Standbys first: a primary stopping with WAL senders attached waits for them.
        for (Standby standby : standbys) {
            standby.stopAndDelete();
        }
        if (primary != null) {
            PostgresProcess.stopQuietly(primary, "primary");
        }
        DataDirectories.deleteWithLog(primaryDirectory);
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
        all.add(primaryPort);
        standbys.forEach(s -> all.add(s.port()));
        return all;
    }

    /**
     * Starts the primary. The first one in the JVM runs initdb and leaves a copy of the fresh cluster as
     * a template; later ones start from a copy of that template.
     */
    private EmbeddedPostgres startPrimary() {
        Path template = InitdbTemplate.get();
        if (template == null) {
            return PostgresProcess.start(primaryDirectory, 0, "primary", InitdbTemplate::offer);
        }
        try {
            DataDirectories.copy(template, primaryDirectory, false);
        } catch (IOException e) {
            throw new IllegalStateException("[primary] could not copy the initdb template " + template + " to "
                    + primaryDirectory + ": " + e + " — check free space in " + DataDirectories.workingDirectory(), e);
        }
        return PostgresProcess.start(primaryDirectory, 0, "primary", null);
    }

    /** {@code shard_0}, {@code shard_1}, ... on the primary, before any standby is cloned. */
    private List<String> createDatabases(int count) {
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
