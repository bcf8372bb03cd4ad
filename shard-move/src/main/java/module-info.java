/**
 * Shardkit's mover: a logical shard moved to another database behind a write fence, verified, and cut over by
 * publishing the next version of the shared topology ({@code io.shardkit.move}). The fence's H2 trigger class is
 * exported to H2 alone, which instantiates it. A single database is imported into the cluster by
 * {@code DatabaseImports}, whose engine ({@code io.shardkit.move.ingest}) is internal. The {@code shard-move} command
 * line ({@code io.shardkit.move.cli}) is a program, not API, and is not exported.
 */
module io.shardkit.move {
    requires transitive io.shardkit.router;
    requires com.zaxxer.hikari;
    requires org.slf4j;
    requires static com.h2database;
    requires com.fasterxml.jackson.databind; // the CLI's --output json
    requires static info.picocli;

    exports io.shardkit.move;
    exports io.shardkit.move.verify;
    exports io.shardkit.move.fence to com.h2database;

    // picocli reads the command classes' annotations and sets their fields
    opens io.shardkit.move.cli to info.picocli;
}
