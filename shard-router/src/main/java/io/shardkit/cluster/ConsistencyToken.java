package io.shardkit.cluster;

import io.shardkit.router.ShardException;
import io.shardkit.router.ShardId;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Where each written shard's primary was (its PostgreSQL WAL position) after a session's writes. A read with the
 * token uses a replica only once the replica has replayed past that position. Small and immutable; its string
 * form ({@code s0@0/3000148;s3@0/30001F0}) can cross a request boundary, e.g. in a cookie or header.
 *
 * <p>A shard whose position could not be read (its primary did not answer right after the write, or a database
 * without WAL positions: MySQL, MariaDB, H2) is {@link #PENDING} ({@code s0@pending}): a session seeded with the token
 * reads that shard's position from its primary before it reads the shard, and a read with the token alone uses the
 * primary. A write is never forgotten because its position could not be read.
 */
public record ConsistencyToken(Map<ShardId, Long> positions) {
    public static final ConsistencyToken NONE = new ConsistencyToken(Map.of());
    /** The position of a shard written whose position is not known: later than any position, so no replica has it. */
    public static final long PENDING = Long.MAX_VALUE;
    private static final String PENDING_TEXT = "pending";

    public ConsistencyToken {
        positions = Map.copyOf(positions);
    }

    /** The position a replica of {@code shard} must have replayed, or -1 when the token says nothing of it. */
    public long positionOf(ShardId shard) {
        return positions.getOrDefault(shard, -1L);
    }

    /** The later position of each shard, from this token and {@code other}. */
    public ConsistencyToken merge(ConsistencyToken other) {
        Map<ShardId, Long> merged = new TreeMap<>(positions);
        other.positions.forEach((shard, lsn) -> merged.merge(shard, lsn, Math::max));
        return new ConsistencyToken(merged);
    }

    /** Reads the string form; a malformed token is an error naming the bad part, never a silently empty token. */
    public static ConsistencyToken parse(String text) {
        Objects.requireNonNull(text, "text");
        if (text.isBlank()) return NONE;
        Map<ShardId, Long> positions = new TreeMap<>();
        for (String part : text.split(";")) {
            int at = part.indexOf('@');
            try {
                if (at < 0) throw new IllegalArgumentException("no '@'");
                String position = part.substring(at + 1);
                positions.merge(ShardId.of(part.substring(0, at)),
                        position.equals(PENDING_TEXT) ? PENDING : Lsn.parse(position), Math::max);
            } catch (RuntimeException e) {
                throw new ShardException(ShardException.Code.KEY, "malformed consistency token part '" + part
                        + "' — expected shard@WAL-position like s0@0/3000148 or s0@pending, as written by"
                        + " ConsistencyToken.toString()");
            }
        }
        return new ConsistencyToken(positions);
    }

    @Override
    public String toString() {
        return new TreeMap<>(positions).entrySet().stream()
                .map(e -> e.getKey() + "@" + (e.getValue() == PENDING ? PENDING_TEXT : Lsn.format(e.getValue())))
                .collect(Collectors.joining(";"));
    }

    static ConsistencyToken of(ShardId shard, long lsn) {
        return new ConsistencyToken(Map.of(shard, lsn));
    }

}
