package io.shardkit.cluster;

import io.shardkit.router.ShardId;
import java.util.Optional;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;

/**
 * A logical shard as the cluster runs it: where it lives and the jOOQ context bound to it. The
 * {@link DataSource} is the physical database's pool, shared with every logical shard on that database.
 */
public record Shard(ShardId id, String database, Optional<String> schema, SQLDialect dialect, DSLContext dsl,
                    DataSource dataSource) {
    @Override
    public String toString() {
        return "Shard[" + id + " on " + database + schema.map(s -> "/" + s).orElse("") + ", " + dialect + "]";
    }
}
