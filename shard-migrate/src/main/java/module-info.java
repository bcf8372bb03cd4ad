/**
 * Shardkit's migration runner: Flyway on every shard ({@code io.shardkit.migrate}). The {@code shard-migrate}
 * command line ({@code io.shardkit.migrate.cli}) is a program, not API, and is not exported.
 */
module io.shardkit.migrate {
    requires transitive io.shardkit.router;
    requires transitive flyway.core;
    requires com.fasterxml.jackson.databind;
    requires com.zaxxer.hikari;
    requires org.slf4j;
    requires jdk.unsupported; // the CLI's SIGINT handler (sun.misc.Signal)
    requires static info.picocli;
    // Migration meters when the cluster has a MeterRegistry; none of its classes are loaded otherwise.
    requires static micrometer.core;

    exports io.shardkit.migrate;

    // picocli reads the command classes' annotations and sets their fields
    opens io.shardkit.migrate.cli to info.picocli;
}
