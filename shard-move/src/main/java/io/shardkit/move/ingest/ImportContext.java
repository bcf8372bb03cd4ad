package io.shardkit.move.ingest;

import io.shardkit.cluster.config.ClusterConfig;
import io.shardkit.cluster.topology.TopologyStore;
import io.shardkit.move.ImportJob;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.jooq.DSLContext;

/**
 * What an import runs with, from its mover: the mover's own pools ({@code dsl}), the configuration (for the router),
 * the topology store, the jobs table, and the mover's settings.
 *
 * @param dsl     a context on a configured database, by name (names made with {@code DSL.name} render unquoted)
 * @param known   whether a database is configured
 * @param onState called after each step and each batch's progress
 */
public record ImportContext(Function<String, DSLContext> dsl, Predicate<String> known, ClusterConfig config,
                            TopologyStore store, ImportJobs jobs, String owner, Duration lease, int batch,
                            Consumer<ImportJob> onState) {
}
