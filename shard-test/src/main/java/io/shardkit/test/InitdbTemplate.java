package io.shardkit.test;

import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A copy of a cluster fresh from initdb, made once per JVM and deleted at its exit, so that only the JVM's first
 * {@link ReplicatedPostgres} primary pays for initdb (about two seconds, most of a start). It keeps zonky's
 * lock file, so if the JVM is killed zonky's next start deletes it like any abandoned data directory.
 */
final class InitdbTemplate {

    private static final Logger log = LoggerFactory.getLogger(InitdbTemplate.class);

    private static Path template;
    private static FileChannel lock;

    private InitdbTemplate() {
    }

    static synchronized Path get() {
        return template;
    }

    /** Keeps a copy of the cluster unless there is one already; a failed copy only costs later starts an initdb. */
    static void offer(File freshCluster) {
        synchronized (InitdbTemplate.class) {
            if (template != null) {
                return;
            }
        }
        Path copy = DataDirectories.workingDirectory().resolve("shardkit-initdb-" + UUID.randomUUID().toString().substring(0, 8));
        FileChannel held;
        try {
            DataDirectories.copy(freshCluster.toPath(), copy, false);
            held = DataDirectories.holdZonkyLock(copy);
        } catch (IOException e) {
            log.warn("[replicated-postgres] could not keep an initdb template in {}: {}", copy, e.toString());
            DataDirectories.deleteQuietly(copy);
            return;
        }
        synchronized (InitdbTemplate.class) {
            if (template == null) {
                template = copy;
                lock = held; // for the JVM's lifetime
                Runtime.getRuntime().addShutdownHook(new Thread(() -> DataDirectories.deleteQuietly(copy),
                        "shardkit-initdb-template-delete"));
                return;
            }
        }
        DataDirectories.closeQuietly(held);
        DataDirectories.deleteQuietly(copy);
    }
}
