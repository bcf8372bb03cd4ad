package io.shardkit.migrate;

import io.shardkit.router.ShardId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.flywaydb.core.api.MigrationVersion;

/**
 * Compares schema histories across shards. The reference is the history most shards share (the longer one on a
 * tie); a shard drifts when its history and the reference disagree at some version below the end of the shorter
 * of the two. Being behind or ahead is not drift: that is what {@code info} and {@code migrate} are for.
 */
final class DriftDetector {

    /** One applied, successful, versioned migration as the history records it. */
    record Applied(String version, String description, Integer checksum, String type) {
    }

    private DriftDetector() {
    }

    /** {@code histories}: each shard's applied versioned migrations, in shard order; shards not read are absent. */
    static List<HistoryDrift> detect(Map<ShardId, List<Applied>> histories) {
        if (histories.size() < 2) return List.of();
        Map<ShardId, List<Applied>> sorted = new LinkedHashMap<>();
        histories.forEach((id, h) -> sorted.put(id, h.stream()
                .sorted(Comparator.comparing(a -> MigrationVersion.fromVersion(a.version()))).toList()));
        Map<List<Applied>, Integer> frequency = new HashMap<>();
        sorted.values().forEach(h -> frequency.merge(h, 1, Integer::sum));
        List<Applied> reference = null;
        for (List<Applied> h : sorted.values()) {  // shard order breaks the remaining ties, so the result is stable
            if (reference == null || frequency.get(h) > frequency.get(reference)
                    || (frequency.get(h).equals(frequency.get(reference)) && h.size() > reference.size())) {
                reference = h;
            }
        }
        List<HistoryDrift> drift = new ArrayList<>();
        for (Map.Entry<ShardId, List<Applied>> e : sorted.entrySet()) {
            List<Applied> h = e.getValue();
            for (int i = 0; i < Math.min(h.size(), reference.size()); i++) {
                if (!h.get(i).equals(reference.get(i))) {
                    drift.add(describe(e.getKey(), h.get(i), reference.get(i), sorted));
                    break;
                }
            }
        }
        return drift;
    }

    private static HistoryDrift describe(ShardId shard, Applied here, Applied expected, Map<ShardId, List<Applied>> all) {
        int others = (int) all.entrySet().stream()
                .filter(e -> !e.getKey().equals(shard) && e.getValue().contains(expected)).count();
        String onOthers = others + (others == 1 ? " other shard" : " other shards");
        int order = MigrationVersion.fromVersion(here.version()).compareTo(MigrationVersion.fromVersion(expected.version()));
        if (order < 0) {
            return new HistoryDrift(shard, here.version(), "applied here ('" + here.description() + "') but not on the "
                    + onOthers + " that have V" + expected.version());
        }
        if (order > 0) {
            return new HistoryDrift(shard, expected.version(), "missing here while later versions are applied; applied on "
                    + onOthers);
        }
        List<String> differences = new ArrayList<>();
        if (!Objects.equals(here.checksum(), expected.checksum())) {
            differences.add("checksum " + here.checksum() + " here, " + expected.checksum() + " on " + onOthers);
        }
        if (!here.description().equals(expected.description())) {
            differences.add("description '" + here.description() + "' here, '" + expected.description() + "' on " + onOthers);
        }
        if (!here.type().equals(expected.type())) {
            differences.add("type " + here.type() + " here, " + expected.type() + " on " + onOthers);
        }
        return new HistoryDrift(shard, here.version(), String.join("; ", differences));
    }
}
