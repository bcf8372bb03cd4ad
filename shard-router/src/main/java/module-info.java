/**
 * Shardkit's router and cluster runtime.
 *
 * <p>{@code io.shardkit.router} is the routing contract: keys, hashes, strategies, pins and row ids, with no JDBC.
 * {@code io.shardkit.cluster} runs it: pools, replicas, sessions, transactions and repositories, configured by
 * {@code io.shardkit.cluster.config}; {@code io.shardkit.cluster.topology} keeps the shard map every instance
 * shares. Everything else is internal and not exported.
 *
 * <p>Repositories are invoked reflectively: a modular application opens its repository packages to this module
 * ({@code opens com.example.orders to io.shardkit.router;}).
 */
module io.shardkit.router {
    requires transitive java.sql;
    requires transitive org.jooq;
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.dataformat.yaml;
    requires com.zaxxer.hikari;
    requires java.management;
    requires org.slf4j;
    requires org.yaml.snakeyaml;
    // Meters only when the application gives a MeterRegistry; without one no Micrometer class is loaded.
    requires static micrometer.core;

    exports io.shardkit.router;
    exports io.shardkit.cluster;
    exports io.shardkit.cluster.atomic;
    exports io.shardkit.cluster.config;
    exports io.shardkit.cluster.topology;

    // shards.yml is read into the config records
    opens io.shardkit.cluster.config to com.fasterxml.jackson.databind;
}
