package io.shardkit.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkit.router.RangeStrategy.Bound;
import io.shardkit.router.RangeStrategy.Range;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Golden placements: key → shard for every strategy over 1, 2, 3, 4, 7 and 16 shards, read from
 * {@code placement-golden.csv}. Like the key hashes, placement decides where stored data is: a change to the
 * ring's point labels or order, to how jump or modulo use the token, to range bounds or to the id layout moves
 * keys, and must fail here. Never edit an expected shard; a new placement ships under a new strategy name.
 */
class PlacementGoldenTest {
    static final String TABLE = "/io/shardkit/router/placement-golden.csv";
    static final int[] SHARD_COUNTS = {1, 2, 3, 4, 7, 16};
    /** The fixed time of the generator behind the {@code generated} rows: 1234567 ms after the default epoch. */
    static final Instant GENERATED_AT = RowIdGenerator.DEFAULT_EPOCH.plusMillis(1_234_567);

    /** One row: a key of a type, placed by a strategy over some shards, belongs to shard {@code expected}. */
    record Row(int line, String strategy, int shards, String type, String key, String expected) {
    }

    static List<ShardId> shards(int count) {
        return IntStream.range(0, count).mapToObj(i -> ShardId.of("s" + i)).toList();
    }

    /** Weights 1, 2, 3, 1, 2, 3, ... by declaration order. */
    static Map<ShardId, Integer> weights(int count) {
        Map<ShardId, Integer> w = new HashMap<>();
        for (int i = 0; i < count; i++) w.put(ShardId.of("s" + i), i % 3 + 1);
        return w;
    }

    /** The strategies the table names, each over {@code count} shards s0..s{count-1}. */
    static ShardStrategy strategy(String name, int count) {
        List<ShardId> shards = shards(count);
        return switch (name) {
            case "ring-murmur3" -> new ConsistentHashRing(KeyHash.MURMUR3, shards, Map.of(), ConsistentHashRing.DEFAULT_VIRTUAL_NODES);
            case "ring-murmur3-64-weighted" -> new ConsistentHashRing(KeyHash.MURMUR3, shards, weights(count), 64);
            case "ring-fnv1a32-64" -> new ConsistentHashRing(KeyHash.FNV1A32, shards, Map.of(), 64);
            case "jump-murmur3" -> new JumpHashStrategy(KeyHash.MURMUR3, shards);
            case "jump-fnv1a32" -> new JumpHashStrategy(KeyHash.FNV1A32, shards);
            case "modulo-murmur3" -> new ModuloStrategy(KeyHash.MURMUR3, shards);
            case "modulo-fnv1a32" -> new ModuloStrategy(KeyHash.FNV1A32, shards);
            case "range-long" -> ranges(ShardKeyType.LONG, count, i -> (long) i * 1000);
            case "range-string" -> ranges(ShardKeyType.STRING, count, i -> String.valueOf((char) ('a' + i)));
            case "range-instant" -> ranges(ShardKeyType.INSTANT, count, i -> Instant.parse("2026-01-01T00:00:00Z").plus(Duration.ofDays(i)));
            case "embedded-id" -> new EmbeddedShardStrategy(shards);
            default -> throw new IllegalArgumentException("unknown strategy in the table: " + name);
        };
    }

    /** Shard i owns [bound(i), bound(i+1)); the first is open below, the last above; declared last to first. */
    static RangeStrategy ranges(ShardKeyType type, int count, java.util.function.IntFunction<Comparable<?>> bound) {
        List<Range> ranges = new ArrayList<>();
        for (int i = count - 1; i >= 0; i--) {
            ranges.add(new Range(ShardId.of("s" + i), i == 0 ? Bound.UNBOUNDED : Bound.of(bound.apply(i)),
                    i == count - 1 ? Bound.UNBOUNDED : Bound.of(bound.apply(i + 1))));
        }
        return new RangeStrategy(type, ranges);
    }

    /** The key a row's text stands for; {@code generated} is a shard number, turned into an id by the generator. */
    static Object key(String type, String text) {
        return switch (type) {
            case "long" -> Long.parseLong(text);
            case "int" -> Integer.parseInt(text);
            case "string" -> text;
            case "uuid" -> UUID.fromString(text);
            case "bytes" -> HexFormat.of().parseHex(text);
            case "instant" -> Instant.parse(text);
            case "generated" -> RowIdGenerator.builder().clock(InstantSource.fixed(GENERATED_AT)).build()
                    .next(Integer.parseInt(text));
            default -> throw new IllegalArgumentException("unknown key type in the table: " + type);
        };
    }

    static List<Row> table() throws IOException {
        List<Row> rows = new ArrayList<>();
        try (InputStream in = PlacementGoldenTest.class.getResourceAsStream(TABLE)) {
            if (in == null) throw new IllegalStateException(TABLE + " is missing from the test resources");
            List<String> lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            assertEquals("strategy,shards,type,key,shard", lines.stream().filter(l -> !l.startsWith("#")).findFirst().orElseThrow());
            boolean header = true;
            for (int i = 0; i < lines.size(); i++) {
                String l = lines.get(i);
                if (l.startsWith("#")) continue;
                if (header) {
                    header = false;
                    continue;
                }
                String[] cells = l.split(",", -1);
                assertEquals(5, cells.length, "line " + (i + 1) + ": " + l);
                rows.add(new Row(i + 1, cells[0], Integer.parseInt(cells[1]), cells[2], cells[3], cells[4]));
            }
        }
        return rows;
    }

    @Test
    void everyKeyIsPlacedOnItsGoldenShard() throws IOException {
        List<Row> rows = table();
        Map<String, ShardStrategy> built = new HashMap<>();
        List<String> moved = new ArrayList<>();
        Map<String, Integer> perStrategy = new LinkedHashMap<>();
        for (Row r : rows) {
            ShardStrategy s = built.computeIfAbsent(r.strategy() + "/" + r.shards(), k -> strategy(r.strategy(), r.shards()));
            Object key = key(r.type(), r.key());
            String actual = s.shardFor(key).value();
            if (key instanceof Long l) {
                assertEquals(actual, s.shardFor(l.longValue()).value(), "shardFor(long) and shardFor(Object) agree, line " + r.line());
            }
            if (!actual.equals(r.expected())) {
                moved.add("line " + r.line() + ": " + r.strategy() + " over " + r.shards() + " shards, " + r.type() + " "
                        + r.key() + " → " + actual + ", golden " + r.expected());
            }
            perStrategy.merge(r.strategy(), 1, Integer::sum);
        }
        assertEquals(List.of(), moved.subList(0, Math.min(20, moved.size())), moved.size() + " of " + rows.size() + " keys moved");
        // The table covers every strategy at every shard count: a truncated file must not pass.
        assertEquals(List.of("ring-murmur3", "ring-murmur3-64-weighted", "ring-fnv1a32-64", "jump-murmur3", "jump-fnv1a32",
                "modulo-murmur3", "modulo-fnv1a32", "range-long", "range-string", "range-instant", "embedded-id"),
                List.copyOf(perStrategy.keySet()));
        for (String strategy : perStrategy.keySet()) {
            for (int count : SHARD_COUNTS) {
                assertTrue(rows.stream().anyMatch(r -> r.strategy().equals(strategy) && r.shards() == count),
                        strategy + " has no rows for " + count + " shards");
            }
        }
        assertEquals(ROWS, rows.size());
    }

    static final int ROWS = 2421;
}
