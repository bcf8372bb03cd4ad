package io.shardkit.router;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Routes an id made by {@link RowIdGenerator} to the shard it carries: shard number {@code n} in the id is
 * {@code shards.get(n)}. No hash and no lookup table, so a row is found from its id alone. The list's order is
 * therefore part of every stored id: add shards only at the end, never reorder or remove them; moving a logical
 * shard to another database changes its placement, not its position. Routes {@code long} (and {@code int}) keys
 * only.
 */
public final class EmbeddedShardStrategy implements ShardStrategy {

    private final ShardId[] shards;
    private final List<ShardId> shardList;

    /** Throws {@link ShardException} ({@link ShardException.Code#CONFIG}) for no shards, more than 8192, or a repeat. */
    public EmbeddedShardStrategy(List<ShardId> shards) {
        this.shardList = List.copyOf(shards);
        if (shardList.isEmpty()) {
            throw config("the embedded-id strategy needs at least one shard");
        }
        if (shardList.size() > RowIds.MAX_SHARD_NUMBER + 1) {
            throw config("the embedded-id strategy can address " + (RowIds.MAX_SHARD_NUMBER + 1) + " shards (ids hold "
                    + RowIds.SHARD_BITS + " bits of shard number), not " + shardList.size() + " — declare fewer shards");
        }
        Map<ShardId, Integer> seen = new HashMap<>();
        for (int i = 0; i < shardList.size(); i++) {
            Integer earlier = seen.putIfAbsent(shardList.get(i), i);
            if (earlier != null) {
                throw config("shard " + shardList.get(i) + " is both shard number " + earlier + " and " + i
                        + " — list each shard once; its position is the number its ids carry");
            }
        }
        this.shards = shardList.toArray(ShardId[]::new);
    }

    @Override
    public ShardId shardFor(long key) {
        int number = RowIds.shardOf(key);
        if (number >= shards.length) {
            throw new ShardException(ShardException.Code.KEY, "id " + key + " carries shard number " + number
                    + ", but this embedded-id strategy has " + shards.length + " shards (numbers 0.." + (shards.length - 1)
                    + ") — generate ids only for shard numbers below " + shards.length + ", or append the missing shards");
        }
        return shards[number];
    }

    @Override
    public ShardId shardFor(Object key) {
        ShardKeyType type = ShardKeyType.of(key);
        if (type != ShardKeyType.LONG) {
            throw new ShardException(ShardException.Code.KEY, "the embedded-id strategy routes long ids and cannot"
                    + " route " + type.withArticle() + " key — pass the id made by RowIdGenerator");
        }
        return shardFor(((Number) key).longValue());
    }

    @Override
    public List<ShardId> shards() {
        return shardList;
    }

    @Override
    public String describe() {
        return "embedded-id(" + shards.length + " shards)";
    }

    private static ShardException config(String message) {
        return new ShardException(ShardException.Code.CONFIG, message);
    }
}
