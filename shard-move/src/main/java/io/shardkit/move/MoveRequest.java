package io.shardkit.move;

import java.util.Objects;

/**
 * What to move and where: a whole logical shard to another database (and schema), or one tenant — the rows whose
 * shard-key column holds its key — to another logical shard.
 *
 * <pre>{@code
 * mover.move(MoveRequest.shard("s3", "db4", null));
 * mover.start(MoveRequest.tenant(42L, "customer_id", "s9").mode(MoveMode.BLOCK_WRITES));
 * }</pre>
 *
 * @param shard     the shard that moves (null for a tenant move: the tenant's shard is where the topology routes it)
 * @param tenant    the tenant's key (a {@code Long}, {@code String} or {@code UUID}, or its text), or null
 * @param keyColumn the tenant's shard-key column, in every table of its shard
 * @param to        a shard move's target database; a tenant move's target logical shard
 * @param toSchema  a shard move's schema in {@code to}, or null for the database's default
 * @param mode      null: online between PostgreSQL databases, block-writes elsewhere
 */
public record MoveRequest(String shard, Object tenant, String keyColumn, String to, String toSchema, MoveMode mode) {
    public MoveRequest {
        if ((shard == null) == (tenant == null)) throw new IllegalArgumentException("name a shard or a tenant, not both");
        if (tenant != null) Objects.requireNonNull(keyColumn, "keyColumn: the tenant's shard-key column");
        Objects.requireNonNull(to, "to");
    }

    /** Moves logical shard {@code shard} onto database {@code toDatabase} ({@code toSchema}, or its default schema). */
    public static MoveRequest shard(String shard, String toDatabase, String toSchema) {
        return new MoveRequest(Objects.requireNonNull(shard, "shard"), null, null, toDatabase, toSchema, null);
    }

    /** Moves the tenant {@code tenant} (its rows where {@code keyColumn} holds it) to logical shard {@code toShard}. */
    public static MoveRequest tenant(Object tenant, String keyColumn, String toShard) {
        return new MoveRequest(null, Objects.requireNonNull(tenant, "tenant"), keyColumn, toShard, null, null);
    }

    /** The same request in {@code mode}. */
    public MoveRequest mode(MoveMode mode) {
        return new MoveRequest(shard, tenant, keyColumn, to, toSchema, mode);
    }
}
