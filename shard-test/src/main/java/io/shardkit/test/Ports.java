package io.shardkit.test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for the servers of {@link ReplicatedPostgres}, each held from its server's first start until its cluster
 * closes, also while the server is stopped, killed or restarting, so it can always start again on the same port.
 *
 * <p>Picked below the kernel's ephemeral range ({@code /proc/sys/net/ipv4/ip_local_port_range}), not with zonky's
 * {@code ServerSocket(0)}, which picks inside it: while a server is down its port is free, and a port of that range may
 * then become the local end of any outgoing connection on the machine (a client retrying, a replica reconnecting), after
 * which the restart fails with "Address already in use". No outgoing connection gets a port below the range. Within the
 * JVM a set keeps two servers off one port; across JVMs a lock on byte {@code port} of one file in zonky's working
 * directory does (a record lock: the operating system drops it when the JVM dies).
 */
final class Ports {

    private static final Path RANGE_FILE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    // Linux's default ephemeral range starts here; used where the file is unreadable.
    private static final int DEFAULT_EPHEMERAL_START = 32768;
    private static final int SPAN = 10_000;
    private static final int LOWEST = 1024;
    private static final Set<Integer> HELD = ConcurrentHashMap.newKeySet();
    // Open for the JVM's lifetime: closing any channel of the file would drop all of the JVM's locks on it.
    private static FileChannel lockFile;

    private Ports() {
    }

    /** A port held for one server; {@link #close()} lets go of it. */
    static final class Port implements AutoCloseable {

        private final int number;
        private final FileLock lock;

        private Port(int number, FileLock lock) {
            this.number = number;
            this.lock = lock;
        }

        int number() {
            return number;
        }

        @Override
        public void close() {
            try {
                if (lock != null) {
                    lock.release();
                }
            } catch (IOException e) {
                // The channel is gone; so is the lock.
            }
            HELD.remove(number);
        }

        @Override
        public String toString() {
            return String.valueOf(number);
        }
    }

    /**
     * A port no other server of this JVM or of another JVM using this class holds and that nothing listens on now.
     *
     * @param role "primary", "replica 1", ...: for messages
     */
    static synchronized Port reserve(String role) {
        int top = ephemeralStart() - 1;
        int bottom = Math.max(LOWEST, top - SPAN);
        int count = top - bottom + 1;
        FileChannel channel = lockFile(role);
        // A random start, so JVMs starting at once rarely try the same ports.
        int start = ThreadLocalRandom.current().nextInt(count);
        for (int i = 0; i < count; i++) {
            int port = bottom + (start + i) % count;
            if (!HELD.add(port)) {
                continue;
            }
            FileLock lock = lockIfFree(channel, port);
            if (lock != null && bindable(port)) {
                return new Port(port, lock);
            }
            new Port(port, lock).close();
        }
        throw new IllegalStateException("[" + role + "] no free port between " + bottom + " and " + top
                + " (below the ephemeral range of " + RANGE_FILE + ") — stop servers left running, or close ReplicatedPostgres "
                + "instances that are no longer needed");
    }

    private static FileChannel lockFile(String role) {
        if (lockFile == null) {
            Path file = DataDirectories.workingDirectory().resolve("shardkit-ports.lock");
            try {
                Files.createDirectories(file.getParent());
                lockFile = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            } catch (IOException e) {
                throw new IllegalStateException("[" + role + "] could not open " + file + " for port locks: " + e
                        + " — check that " + file.getParent() + " is writable", e);
            }
        }
        return lockFile;
    }

    /** The first port the kernel gives outgoing connections; ours stay below it. */
    private static int ephemeralStart() {
        try {
            // readAllLines: Files.readString returns only the first byte of this /proc file on some JDKs.
            int start = Integer.parseInt(Files.readAllLines(RANGE_FILE).get(0).trim().split("\\s+")[0]);
            // A range starting this low leaves no room below it; then the usual default, and a bind check per port.
            return start > LOWEST + 1000 ? start : DEFAULT_EPHEMERAL_START;
        } catch (IOException | RuntimeException e) {
            return DEFAULT_EPHEMERAL_START;
        }
    }

    /** The lock on byte {@code port} of the file, or null if another JVM holds it. */
    private static FileLock lockIfFree(FileChannel channel, int port) {
        try {
            return channel.tryLock(port, 1, false);
        } catch (IOException | RuntimeException e) {
            return null; // unusable; the caller tries the next port
        }
    }

    /** Whether a server could listen on the port now, as PostgreSQL does (SO_REUSEADDR, all addresses). */
    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
