package io.shardkit.cluster.internal;

import io.shardkit.cluster.config.ClusterConfig;
import io.shardkit.cluster.config.ClusterConfig.TopologyConfig;

/** The {@code topology:} section: a store among the databases, and bounds on the refresh and the pause. */
final class TopologySection {
    static final long DEFAULT_REFRESH_MS = 500;
    static final long DEFAULT_PAUSE_BUDGET_MS = 5_000;

    private TopologySection() {
    }

    static void check(ClusterConfig config, Problems problems) {
        TopologyConfig t = config.topology();
        if (t == null) return;
        if (t.store() == null || t.store().isBlank()) {
            problems.add("topology.store: missing — name the database (one of databases) that keeps the shard map");
        } else if (!config.databases().containsKey(t.store())) {
            problems.add("topology.store: no database named '" + t.store() + "' — use one of " + config.databases().keySet());
        }
        if (t.refreshIntervalMs() != null && (t.refreshIntervalMs() < 10 || t.refreshIntervalMs() > 1_000)) {
            problems.add("topology.refreshIntervalMs: " + t.refreshIntervalMs() + " — use 10 to 1000 (an instance must"
                    + " see a new version within a second)");
        }
        if (t.pauseBudgetMs() != null && (t.pauseBudgetMs() < 0 || t.pauseBudgetMs() > 60_000)) {
            problems.add("topology.pauseBudgetMs: " + t.pauseBudgetMs() + " — use 0 to 60000");
        }
        if (t.instance() != null && (t.instance().isBlank() || t.instance().length() > 200)) {
            problems.add("topology.instance: must be 1 to 200 characters");
        }
    }
}
