package io.shardkit.test;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** PostgreSQL data directories in zonky's working directory: copying, locking and deleting them. */
final class DataDirectories {

    private static final Logger log = LoggerFactory.getLogger(DataDirectories.class);

    // Left out of a base backup, as pg_basebackup does: the contents of these directories...
    private static final Set<String> EMPTY_IN_COPY = Set.of("pg_wal", "pg_replslot", "pg_dynshmem", "pg_notify",
            "pg_serial", "pg_snapshots", "pg_stat_tmp", "pg_subtrans");
    // ...these files...
    private static final Set<String> NOT_COPIED = Set.of("postmaster.pid", "postmaster.opts", "pg_internal.init",
            "backup_label", "tablespace_map", "standby.signal", "recovery.signal", "current_logfiles");
    // ...and temporary files, whose names start with this.
    private static final String TEMP_PREFIX = "pgsql_tmp";
    /**
     * Zonky's lock file in a data directory. Never copied: zonky's start-up deletes a directory of its
     * working directory whose lock file is older than ten minutes and not locked, and a copy would
     * carry the old time without the lock.
     */
    private static final String ZONKY_LOCK = "epg-lock";

    private DataDirectories() {
    }

    /** Zonky's working directory: its start-up deletes data directories there whose server was left running by a dead JVM. */
    static Path workingDirectory() {
        return Path.of(System.getProperty("ot.epg.working-dir",
                new File(System.getProperty("java.io.tmpdir"), "embedded-pg").getPath()));
    }

    /** The server's own log, beside its data directory (initdb wants that empty). */
    static Path serverLog(Path dataDirectory) {
        return dataDirectory.resolveSibling(dataDirectory.getFileName() + ".log");
    }

    /**
     * Copies a cluster's directory tree, keeping permissions. For a base backup of a running cluster it
     * skips what pg_basebackup skips, and files that vanish meanwhile are fine.
     */
    static void copy(Path from, Path to, boolean baseBackup) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (baseBackup && !dir.equals(from) && dir.getFileName().toString().startsWith(TEMP_PREFIX)) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                Path target = to.resolve(from.relativize(dir).toString());
                Files.createDirectories(target);
                // PostgreSQL refuses a data directory readable by others; keep the source's 0700.
                Files.setPosixFilePermissions(target, Files.getPosixFilePermissions(dir));
                return baseBackup && EMPTY_IN_COPY.contains(dir.getFileName().toString()) && dir.getParent().equals(from)
                        ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                String name = file.getFileName().toString();
                if (name.equals(ZONKY_LOCK) || baseBackup && (NOT_COPIED.contains(name) || name.startsWith(TEMP_PREFIX))) {
                    return FileVisitResult.CONTINUE;
                }
                try {
                    Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES);
                } catch (NoSuchFileException vanished) {
                    // Dropped or rotated by the running server during the copy; WAL replay recreates what matters.
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }
        });
    }

    /**
     * Locks zonky's lock file in the directory as a running server would, so no zonky start-up deletes
     * the directory while this JVM needs it; closing the channel releases the lock.
     */
    static FileChannel holdZonkyLock(Path directory) throws IOException {
        FileChannel channel = FileChannel.open(directory.resolve(ZONKY_LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            if (channel.tryLock() == null) {
                throw new IOException("another process holds " + directory.resolve(ZONKY_LOCK));
            }
            return channel;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    static void closeQuietly(FileChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            log.debug("[replicated-postgres] could not release a lock file: {}", e.toString());
        }
    }

    /** Deletes a data directory and the server log beside it; logs what it could not. */
    static void deleteWithLog(Path dataDirectory) {
        deleteQuietly(dataDirectory);
        deleteQuietly(serverLog(dataDirectory));
    }

    static void deleteQuietly(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            log.warn("[replicated-postgres] could not delete {}: {}", directory, e.toString());
        }
    }
}
