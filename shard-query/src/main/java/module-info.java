/**
 * Shardkit's fan-out: one jOOQ query on many shards, merged exactly or refused by name ({@code io.shardkit.query}).
 * The planner ({@code io.shardkit.query.planner}) is internal and not exported.
 */
module io.shardkit.query {
    requires transitive io.shardkit.router;
    requires org.slf4j;
    // Fan-out meters when the cluster has a MeterRegistry; none of its classes are loaded otherwise.
    requires static micrometer.core;

    exports io.shardkit.query;
}
