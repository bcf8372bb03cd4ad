package io.shardkit.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.shardkit.cluster.internal.ClusterPlan;
import io.shardkit.cluster.config.ShardConfigException;
import io.shardkit.cluster.config.ShardsYaml;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class EmbeddedShardStrategyTest {

    static final List<ShardId> SIXTEEN = IntStream.range(0, 16).mapToObj(i -> ShardId.of("s" + i)).toList();
    static final EmbeddedShardStrategy STRATEGY = new EmbeddedShardStrategy(SIXTEEN);

    static void assertFails(ShardException.Code code, String message, Executable call) {
        ShardException e = assertThrows(ShardException.class, call);
        assertEquals(message, e.getMessage());
        assertEquals(code, e.code());
    }

    static ClusterPlan compile(String yaml) {
        return ClusterPlan.compile(ShardsYaml.parse(yaml, name -> null));
    }

    static void assertProblems(String yaml, String... problems) {
        ShardConfigException e = assertThrows(ShardConfigException.class, () -> compile(yaml));
        assertEquals(List.of(problems), e.problems());
    }

    static final String THREE_SHARDS = """
            databases:
              db0: { url: "jdbc:h2:mem:a" }
              db1: { url: "jdbc:h2:mem:b" }
            shards:
              - { id: s0, database: db0 }
              - { id: s1, database: db1 }
              - { id: s2, database: db1, schema: s2 }
            """;

    // --- routing -----------------------------------------------------------------------------------------------

    @Test
    void routesGeneratedIdsToTheShardTheyCarry() {
        RowIdGenerator ids = RowIdGenerator.builder().build();
        for (int n = 0; n < SIXTEEN.size(); n++) {
            for (int i = 0; i < 50; i++) {
                long id = ids.next(n);
                assertEquals(SIXTEEN.get(n), STRATEGY.shardFor(id));
                assertEquals(SIXTEEN.get(n), STRATEGY.shardFor((Object) id));
            }
        }
    }

    @Test
    void goldenRoutes() {
        assertEquals(ShardId.of("s0"), STRATEGY.shardFor(0L));
        assertEquals(ShardId.of("s1"), STRATEGY.shardFor(1024L));
        assertEquals(ShardId.of("s15"), STRATEGY.shardFor(15 * 1024L + 1023));
        assertEquals(ShardId.of("s3"), STRATEGY.shardFor(10351545344L)); // 1234 ms, shard 3, sequence 0
        assertEquals(ShardId.of("s3"), STRATEGY.shardFor(10351545344L + 1023));
        assertEquals(ShardId.of("s1"), STRATEGY.shardFor((Object) 1024)); // an Integer takes the long path
        assertEquals(ShardId.of("s0"), STRATEGY.shardFor(Long.MIN_VALUE)); // ids turn negative in 2060
    }

    @Test
    void anIdWithAShardNumberBeyondTheListFails() {
        long id = RowIds.compose(1234, 16, 5);
        assertFails(ShardException.Code.KEY, "id 10351558661 carries shard number 16, but this embedded-id strategy"
                + " has 16 shards (numbers 0..15) — generate ids only for shard numbers below 16, or append the"
                + " missing shards", () -> STRATEGY.shardFor(id));
        assertFails(ShardException.Code.KEY, "id -1 carries shard number 8191, but this embedded-id strategy has 16"
                + " shards (numbers 0..15) — generate ids only for shard numbers below 16, or append the missing"
                + " shards", () -> STRATEGY.shardFor((Object) (-1L)));
    }

    @Test
    void onlyLongKeysAreRouted() {
        assertFails(ShardException.Code.KEY, "the embedded-id strategy routes long ids and cannot route a string key"
                + " — pass the id made by RowIdGenerator", () -> STRATEGY.shardFor("1024"));
        assertFails(ShardException.Code.KEY, "the embedded-id strategy routes long ids and cannot route a uuid key"
                + " — pass the id made by RowIdGenerator", () -> STRATEGY.shardFor(new UUID(0, 1024)));
        assertFails(ShardException.Code.KEY, "the embedded-id strategy routes long ids and cannot route an instant"
                + " key — pass the id made by RowIdGenerator", () -> STRATEGY.shardFor(Instant.EPOCH));
        assertFails(ShardException.Code.KEY, "shard key is null — pass the value that decides the shard (long, int,"
                + " String, UUID, byte[] or Instant)", () -> STRATEGY.shardFor((Object) null));
    }

    @Test
    void describesItself() {
        assertEquals("embedded-id(16 shards)", STRATEGY.describe());
        assertEquals(SIXTEEN, STRATEGY.shards());
    }

    @Test
    void badShardListsAreRefused() {
        assertFails(ShardException.Code.CONFIG, "the embedded-id strategy needs at least one shard",
                () -> new EmbeddedShardStrategy(List.of()));
        assertFails(ShardException.Code.CONFIG, "shard s1 is both shard number 1 and 3 — list each shard once; its"
                + " position is the number its ids carry",
                () -> new EmbeddedShardStrategy(List.of(ShardId.of("s0"), ShardId.of("s1"), ShardId.of("s2"), ShardId.of("s1"))));
        List<ShardId> tooMany = IntStream.range(0, 8193).mapToObj(i -> ShardId.of("s" + i)).toList();
        assertFails(ShardException.Code.CONFIG, "the embedded-id strategy can address 8192 shards (ids hold 13 bits"
                + " of shard number), not 8193 — declare fewer shards", () -> new EmbeddedShardStrategy(tooMany));
        assertEquals(8192, new EmbeddedShardStrategy(tooMany.subList(0, 8192)).shards().size());
    }

    // --- configuration -----------------------------------------------------------------------------------------

    @Test
    void compilesFromShardsYamlAndRoutes() {
        ClusterPlan plan = compile(THREE_SHARDS + "strategy: { type: embedded-id }\n");
        assertEquals("ShardRouter[embedded-id(3 shards), 0 pins]", plan.router().toString());
        RowIdGenerator ids = RowIdGenerator.builder().build();
        assertEquals(ShardId.of("s0"), plan.router().shardFor(ids.next(0)));
        assertEquals(ShardId.of("s1"), plan.router().shardFor(ids.next(1)));
        assertEquals(ShardId.of("s2"), plan.router().shardFor((Object) ids.next(2)));
        assertFails(ShardException.Code.KEY, "id 3072 carries shard number 3, but this embedded-id strategy has 3"
                + " shards (numbers 0..2) — generate ids only for shard numbers below 3, or append the missing shards",
                () -> plan.router().shardFor(3072L));
    }

    @Test
    void compilesWithLongKeysAndPins() {
        ClusterPlan plan = compile(THREE_SHARDS + """
                strategy: { type: embedded-id }
                keyType: long
                pins: { "1024": s2 }
                """);
        assertEquals(ShardId.of("s2"), plan.router().shardFor(1024L)); // the pin wins over the embedded s1
        assertEquals(ShardId.of("s1"), plan.router().shardFor(1025L));
    }

    @Test
    void hashAndVirtualNodesAreRefused() {
        assertProblems(THREE_SHARDS + "strategy: { type: embedded-id, hash: murmur3 }\n",
                "strategy.hash: the embedded-id strategy reads the shard number inside each id and takes no hash"
                        + " — remove it");
        assertProblems(THREE_SHARDS + "strategy: { type: embedded-id, virtualNodes: 64 }\n",
                "strategy.virtualNodes: only consistent-hash has virtual nodes, not embedded-id — remove it");
        assertProblems(THREE_SHARDS + "strategy: { type: embedded-id, ranges: [ { shard: s0, from: 0, to: 1 } ] }\n",
                "strategy.ranges: only the range strategy takes ranges, not embedded-id — remove them or set type: range");
    }

    @Test
    void keysOtherThanLongAreRefused() {
        assertProblems(THREE_SHARDS + "strategy: { type: embedded-id }\nkeyType: string\n",
                "keyType: the embedded-id strategy routes long ids, not string keys — set keyType: long or remove it");
        assertProblems(THREE_SHARDS + "strategy: { type: embedded-id }\nkeyType: instant\n",
                "keyType: the embedded-id strategy routes long ids, not instant keys — set keyType: long or remove it");
    }

    @Test
    void weightsAreRefused() {
        assertProblems(THREE_SHARDS.replace("{ id: s1, database: db1 }", "{ id: s1, database: db1, weight: 2 }")
                        + "strategy: { type: embedded-id }\n",
                "shards[1].weight: only consistent-hash supports weights, not embedded-id — remove it or use"
                        + " consistent-hash");
    }

    @Test
    void moreShardsThanThirteenBitsCanNumberAreRefused() {
        StringBuilder yaml = new StringBuilder("databases:\n  db0: { url: \"jdbc:h2:mem:a\" }\nshards:\n");
        for (int i = 0; i < 8193; i++) {
            yaml.append("  - { id: s").append(i).append(", database: db0, schema: s").append(i).append(" }\n");
        }
        yaml.append("strategy: { type: embedded-id }\n");
        assertProblems(yaml.toString(), "shards: the embedded-id strategy can address 8192 shards (ids hold 13 bits of"
                + " shard number), not 8193 — declare fewer shards");
    }
}
