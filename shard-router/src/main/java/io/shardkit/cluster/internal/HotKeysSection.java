package io.shardkit.cluster.internal;

import io.shardkit.cluster.HotKeys;
import io.shardkit.cluster.config.ClusterConfig;
import java.time.Duration;

/** The {@code hotKeys:} section: each setting defaults to {@link HotKeys.Settings#OFF}'s, checked as the record checks it. */
final class HotKeysSection {
    private HotKeysSection() {
    }

    static HotKeys.Settings read(ClusterConfig config, Problems problems) {
        ClusterConfig.HotKeysConfig h = config.hotKeys();
        HotKeys.Settings d = HotKeys.Settings.OFF;
        if (h == null) return d;
        int before = problems.count();
        boolean enabled = h.enabled() != null && h.enabled();
        int capacity = h.capacity() == null ? d.capacity() : h.capacity();
        if (capacity < 1 || capacity > 65_536) problems.add("hotKeys.capacity: " + capacity + " — use 1 to 65536 (default 64)");
        int sampleEvery = h.sampleEvery() == null ? d.sampleEvery() : h.sampleEvery();
        if (sampleEvery < 1) problems.add("hotKeys.sampleEvery: " + sampleEvery + " — use 1 (every call) or more (default 16)");
        long bucketMs = h.bucketMs() == null ? d.bucket().toMillis() : h.bucketMs();
        long windowMs = h.windowMs() == null ? d.window().toMillis() : h.windowMs();
        if (bucketMs < 1) {
            problems.add("hotKeys.bucketMs: " + bucketMs + " — use 1 or more (default 10000)");
        } else if (windowMs < bucketMs || windowMs % bucketMs != 0 || windowMs / bucketMs > 1000) {
            problems.add("hotKeys.windowMs: " + windowMs + " — use 1 to 1000 whole buckets of bucketMs (" + bucketMs
                    + "); default 60000 in buckets of 10000");
        }
        if (problems.count() > before) return d;
        return new HotKeys.Settings(enabled, capacity, sampleEvery, Duration.ofMillis(windowMs), Duration.ofMillis(bucketMs));
    }
}
