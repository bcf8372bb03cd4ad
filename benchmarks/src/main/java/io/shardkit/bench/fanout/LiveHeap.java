package io.shardkit.bench.fanout;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * The live heap: used heap right after a full collection. Two collections, because an object freed by the first
 * may only become unreachable once a finalizer-like cleaner has run. Costly (two full GCs): probes only, never
 * inside a measured operation.
 */
final class LiveHeap {
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    private LiveHeap() {
    }

    static long bytes() {
        System.gc();
        System.gc();
        return MEMORY.getHeapMemoryUsage().getUsed();
    }

    static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.2f MiB", bytes / (1024.0 * 1024.0));
    }
}
