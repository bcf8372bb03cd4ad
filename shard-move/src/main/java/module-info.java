/**
 * Shardkit's mover: a logical shard moved to another database behind a write fence, verified, and cut over by
 * publishing the next version of the shared topology ({@code io.shardkit.move}). The fence's H2 trigger class is
 * exported to H2 alone, which instantiates it.
 */
module io.shardkit.move {
    requires transitive io.shardkit.router;
    requires com.zaxxer.hikari;
    requires org.slf4j;
    requires static com.h2database;

    exports io.shardkit.move;
    exports io.shardkit.move.verify;
    exports io.shardkit.move.fence to com.h2database;
}
