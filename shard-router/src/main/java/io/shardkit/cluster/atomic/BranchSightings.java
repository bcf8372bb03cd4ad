package io.shardkit.cluster.atomic;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The age of prepared branches whose server keeps no time for them (MariaDB's {@code XA RECOVER}): how long this
 * instance has seen each one prepared, so the minimum age and the lingering report mean the same as on PostgreSQL,
 * only counted from a branch's first sighting. Safety never rests on it: the probe alone keeps a live coordinator's
 * branch from being rolled back.
 */
final class BranchSightings {
    private final Map<Gid, Long> firstSeen = new ConcurrentHashMap<>();

    Duration age(Gid gid) {
        long now = System.nanoTime();
        return Duration.ofNanos(now - firstSeen.computeIfAbsent(gid, g -> now));
    }

    /** Forgets branches no complete scan lists any more. */
    void retainOnly(Collection<Gid> listed) {
        firstSeen.keySet().retainAll(listed);
    }
}
