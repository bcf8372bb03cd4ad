package io.shardkit.test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Hot standbys cloned from a running primary without pg_basebackup, which zonky's binaries lack: the low-level
 * backup API around a file copy. A replication slot per standby, made first, keeps the WAL from the backup's start
 * until that standby has streamed it, whatever the primary writes meanwhile.
 */
final class BaseBackup {

    private BaseBackup() {
    }

    /** Copies the primary's directory into each standby's and sets the copy up to stream from the primary. */
    static void cloneStandbys(String label, Path primaryDirectory, int primaryPort, List<Standby> standbys) {
        try (Connection c = PostgresProcess.connect(primaryPort); Statement s = c.createStatement()) {
            for (Standby standby : standbys) {
                s.execute("SELECT pg_create_physical_replication_slot('" + ReplicationSettings.slotName(standby.number()) + "', true)");
            }
            // fast => true: an immediate checkpoint instead of a spread one.
            s.execute("SELECT pg_backup_start('" + label + "', true)");
            for (Standby standby : standbys) {
                DataDirectories.copy(primaryDirectory, standby.directory(), true);
            }
            String backupLabel;
            String tablespaceMap;
            // wait_for_archive => false: there is no WAL archive; the replicas stream instead.
            try (ResultSet rs = s.executeQuery("SELECT labelfile, spcmapfile FROM pg_backup_stop(false)")) {
                rs.next();
                backupLabel = rs.getString(1);
                tablespaceMap = rs.getString(2);
            }
            for (Standby standby : standbys) {
                makeStandby(standby, backupLabel, tablespaceMap, primaryPort);
            }
        } catch (SQLException e) {
            throw PostgresProcess.failure("primary", "base backup on localhost:" + primaryPort + " failed", e);
        } catch (IOException e) {
            throw new IllegalStateException("[primary] could not copy the data directory " + primaryDirectory
                    + " for the replicas: " + e + " — check free space in " + DataDirectories.workingDirectory(), e);
        }
    }

    private static void makeStandby(Standby standby, String backupLabel, String tablespaceMap, int primaryPort) throws IOException {
        Path copy = standby.directory();
        String slot = ReplicationSettings.slotName(standby.number());
        Files.writeString(copy.resolve("backup_label"), backupLabel, StandardCharsets.UTF_8);
        if (tablespaceMap != null && !tablespaceMap.isEmpty()) {
            Files.writeString(copy.resolve("tablespace_map"), tablespaceMap, StandardCharsets.UTF_8);
        }
        Files.createFile(copy.resolve("standby.signal"));
        // In the file, not on the command line: zonky passes settings through pg_ctl -o, which
        // splits on the spaces a conninfo has.
        Files.writeString(copy.resolve("postgresql.auto.conf"),
                "\nprimary_conninfo = 'host=localhost port=" + primaryPort + " user=" + PostgresProcess.USER
                        + " application_name=" + slot + "'\nprimary_slot_name = '" + slot + "'\n",
                StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }
}
