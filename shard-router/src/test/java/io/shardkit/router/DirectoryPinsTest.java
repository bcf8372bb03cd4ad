package io.shardkit.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Pins are consulted before the strategy, for every key type; the router enforces the declared key type. */
class DirectoryPinsTest {

    static final ShardId HOME = ShardId.of("home");
    static final ShardId PINNED = ShardId.of("pinned");
    static final ShardId OTHER = ShardId.of("other");

    static final UUID TENANT = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
    static final Instant MIDNIGHT = Instant.parse("2024-01-01T00:00:00Z");

    /** Sends every key to one shard, so that any other answer can only have come from a pin. */
    record OneShard(ShardId shard) implements ShardStrategy {
        @Override
        public ShardId shardFor(long key) {
            return shard;
        }

        @Override
        public ShardId shardFor(Object key) {
            return shard;
        }

        @Override
        public List<ShardId> shards() {
            return List.of(shard);
        }

        @Override
        public String describe() {
            return "one(" + shard + ")";
        }
    }

    static final ShardStrategy STRATEGY = new OneShard(HOME);

    static DirectoryPins pins(Object... keysAndShards) {
        Map<Object, ShardId> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndShards.length; i += 2) {
            map.put(keysAndShards[i], (ShardId) keysAndShards[i + 1]);
        }
        return DirectoryPins.of(map);
    }

    static ShardException fails(ShardException.Code code, Executable call) {
        ShardException e = assertThrows(ShardException.class, call);
        assertEquals(code, e.code(), e.getMessage());
        return e;
    }

    @Test
    void manyLongPinsAreFoundExactlyAndNothingElseIsPinned() {
        // The open-addressing table must find every pin among thousands (collisions, wrap-around) and no other key.
        java.util.SplittableRandom random = new java.util.SplittableRandom(5);
        List<ShardId> targets = List.of(ShardId.of("a"), ShardId.of("b"), ShardId.of("c"));
        Map<Long, ShardId> expected = new HashMap<>();
        for (int i = 0; i < 5000; i++) {
            long key = i % 2 == 0 ? random.nextLong() : i * 1024L; // random and strided keys
            expected.put(key, targets.get(i % 3));
        }
        expected.put(Long.MIN_VALUE, targets.get(0));
        expected.put(0L, targets.get(1));
        DirectoryPins pins = DirectoryPins.of(expected);
        assertEquals(expected.size(), pins.size());
        expected.forEach((key, shard) -> assertSame(shard, pins.pinned(key.longValue()), "key " + key));
        for (int i = 0; i < 100_000; i++) {
            long key = random.nextLong();
            assertEquals(expected.get(key), pins.pinned(key), "key " + key);
        }
        assertEquals(Set.copyOf(targets), pins.targets());
    }

    @Test
    void longPinsWinOverTheStrategy() {
        ShardRouter router = ShardRouter.of(STRATEGY, pins(42L, PINNED, -7L, OTHER, Long.MIN_VALUE, OTHER), ShardKeyType.LONG);
        assertEquals(PINNED, router.shardFor(42L));
        assertEquals(PINNED, router.shardFor((Object) 42L));
        assertEquals(PINNED, router.shardFor((Object) 42), "an int key finds a long pin");
        assertEquals(OTHER, router.shardFor(-7L));
        assertEquals(OTHER, router.shardFor(Long.MIN_VALUE));
        assertEquals(HOME, router.shardFor(41L));
        assertEquals(HOME, router.shardFor(43L));
        assertEquals(HOME, router.shardFor(Long.MAX_VALUE));
        assertEquals(HOME, router.shardFor((Object) 43));
    }

    @Test
    void intPinsAreWidened() {
        DirectoryPins pins = pins(7, PINNED);
        assertEquals(PINNED, pins.pinned(7L));
        assertEquals(PINNED, pins.pinned((Object) 7L));
        assertEquals(PINNED, pins.pinned((Object) 7));
        assertNull(pins.pinned(8L));
    }

    @Test
    void stringPinsWinOverTheStrategy() {
        ShardRouter router = ShardRouter.of(STRATEGY, pins("tenant-42", PINNED), ShardKeyType.STRING);
        assertEquals(PINNED, router.shardFor("tenant-42"));
        assertEquals(PINNED, router.shardFor(new String("tenant-42".toCharArray())), "equality, not identity");
        assertEquals(HOME, router.shardFor("tenant-43"));
        assertEquals(HOME, router.shardFor("TENANT-42"), "keys are case-sensitive");
        assertEquals(HOME, router.shardFor(""));
    }

    @Test
    void uuidPinsWinOverTheStrategy() {
        ShardRouter router = ShardRouter.of(STRATEGY, pins(TENANT, PINNED), ShardKeyType.UUID);
        assertEquals(PINNED, router.shardFor(UUID.fromString(TENANT.toString())));
        assertEquals(HOME, router.shardFor(new UUID(TENANT.getMostSignificantBits(), TENANT.getLeastSignificantBits() + 1)));
    }

    @Test
    void bytePinsMatchByContent() {
        byte[] pinnedKey = {1, 2, 3};
        ShardRouter router = ShardRouter.of(STRATEGY, pins(pinnedKey, PINNED), ShardKeyType.BYTES);
        assertEquals(PINNED, router.shardFor(new byte[] {1, 2, 3}), "another array with the same content");
        assertEquals(HOME, router.shardFor(new byte[] {1, 2, 4}));
        assertEquals(HOME, router.shardFor(new byte[] {1, 2}));
        assertEquals(HOME, router.shardFor(new byte[0]));

        // the pins keep their own copy: changing the caller's array afterwards moves nothing
        pinnedKey[2] = 9;
        assertEquals(PINNED, router.shardFor(new byte[] {1, 2, 3}));
        assertEquals(HOME, router.shardFor(new byte[] {1, 2, 9}));
    }

    @Test
    void instantPinsWinOverTheStrategy() {
        ShardRouter router = ShardRouter.of(STRATEGY, pins(MIDNIGHT, PINNED), ShardKeyType.INSTANT);
        assertEquals(PINNED, router.shardFor(Instant.parse("2024-01-01T00:00:00Z")));
        assertEquals(HOME, router.shardFor(MIDNIGHT.plusNanos(1)));
    }

    @Test
    void mixedKeyTypesWithoutADeclaredKeyType() {
        DirectoryPins pins = pins(42L, PINNED, "42", OTHER, TENANT, OTHER, new byte[] {42}, PINNED);
        ShardRouter router = ShardRouter.of(STRATEGY, pins, null);
        assertEquals(PINNED, router.shardFor(42L));
        assertEquals(OTHER, router.shardFor("42"), "the string \"42\" is not the long 42");
        assertEquals(OTHER, router.shardFor(TENANT));
        assertEquals(PINNED, router.shardFor(new byte[] {42}));
        assertEquals(4, pins.size());
        assertEquals(Set.of(PINNED, OTHER), pins.targets());
    }

    @Test
    void pinsOverrideARealStrategy() {
        ShardStrategy modulo = new ModuloStrategy(KeyHash.MURMUR3, List.of(HOME, OTHER));
        String movedKey = null;
        for (int i = 0; movedKey == null; i++) {
            if (modulo.shardFor("k" + i).equals(HOME)) movedKey = "k" + i;
        }
        ShardRouter router = ShardRouter.of(modulo, pins(movedKey, OTHER), ShardKeyType.STRING);
        assertEquals(OTHER, router.shardFor(movedKey));
        for (int i = 0; i < 200; i++) {
            String key = "k" + i;
            if (!key.equals(movedKey)) assertEquals(modulo.shardFor(key), router.shardFor(key), key);
        }
    }

    @Test
    void routerListsShardsOnlyReachedThroughPins() {
        ShardRouter router = ShardRouter.of(STRATEGY, pins("vip", PINNED), ShardKeyType.STRING);
        assertEquals(List.of(HOME, PINNED), router.shards());
    }

    @Test
    void noPins() {
        assertSame(DirectoryPins.none(), DirectoryPins.of(Map.of()));
        assertEquals(0, DirectoryPins.none().size());
        assertNull(DirectoryPins.none().pinned(1L));
        assertNull(DirectoryPins.none().pinned("a"));
        assertEquals(HOME, ShardRouter.of(STRATEGY).shardFor("anything"));
    }

    // --- key types --------------------------------------------------------------------------------------------

    @Test
    void longRouterRefusesOtherKeyTypesNamingBoth() {
        ShardRouter router = ShardRouter.of(STRATEGY, pins(42L, PINNED), ShardKeyType.LONG);
        assertEquals("this cluster's shard keys are long (keyType in shards.yml) and a string key was given — pass a "
                + "long key", fails(ShardException.Code.KEY, () -> router.shardFor("42")).getMessage());
        assertEquals("this cluster's shard keys are long (keyType in shards.yml) and a uuid key was given — pass a long "
                + "key", fails(ShardException.Code.KEY, () -> router.shardFor(TENANT)).getMessage());
        assertEquals("this cluster's shard keys are long (keyType in shards.yml) and an instant key was given — pass a "
                + "long key", fails(ShardException.Code.KEY, () -> router.shardFor(MIDNIGHT)).getMessage());
    }

    @Test
    void stringRouterRefusesLongKeysEvenWhenPinned() {
        ShardRouter router = ShardRouter.of(STRATEGY, pins("42", PINNED), ShardKeyType.STRING);
        String expected = "this cluster's shard keys are string (keyType in shards.yml) and a long key was given — pass "
                + "a string key";
        assertEquals(expected, fails(ShardException.Code.KEY, () -> router.shardFor(42L)).getMessage());
        assertEquals(expected, fails(ShardException.Code.KEY, () -> router.shardFor((Object) 42)).getMessage());
    }

    @Test
    void nullKeyFails() {
        String expected = "shard key is null — pass the value that decides the shard (long, int, String, UUID, byte[] or "
                + "Instant)";
        ShardRouter typed = ShardRouter.of(STRATEGY, pins(1L, PINNED), ShardKeyType.LONG);
        ShardRouter untyped = ShardRouter.of(STRATEGY);
        assertEquals(expected, fails(ShardException.Code.KEY, () -> typed.shardFor((Object) null)).getMessage());
        assertEquals(expected, fails(ShardException.Code.KEY, () -> untyped.shardFor((Object) null)).getMessage());
    }

    @Test
    void unsupportedKeyTypeNamesTheType() {
        ShardRouter typed = ShardRouter.of(STRATEGY, pins(1L, PINNED), ShardKeyType.LONG);
        ShardRouter untyped = ShardRouter.of(STRATEGY);
        String doubles = "shard key of type java.lang.Double is not supported — use long, int, String, UUID, byte[] or "
                + "(for range strategies) Instant";
        assertEquals(doubles, fails(ShardException.Code.KEY, () -> typed.shardFor((Object) 1.0)).getMessage());
        assertEquals(doubles, fails(ShardException.Code.KEY, () -> untyped.shardFor((Object) 1.0)).getMessage());
        assertEquals(doubles.replace("java.lang.Double", "java.lang.Short"),
                fails(ShardException.Code.KEY, () -> untyped.shardFor((Object) (short) 1)).getMessage());
        assertEquals(doubles.replace("java.lang.Double", "java.lang.Character"),
                fails(ShardException.Code.KEY, () -> untyped.shardFor((Object) 'x')).getMessage());
    }

    // --- building pins ------------------------------------------------------------------------------------------

    @Test
    void unsupportedOrNullPinKeyFails() {
        assertEquals("shard key of type java.lang.Double is not supported — use long, int, String, UUID, byte[] or (for "
                + "range strategies) Instant", fails(ShardException.Code.KEY, () -> pins(1.5, PINNED)).getMessage());
        Map<Object, ShardId> nullKey = new HashMap<>();
        nullKey.put(null, PINNED);
        assertEquals("shard key is null — pass the value that decides the shard (long, int, String, UUID, byte[] or "
                + "Instant)", fails(ShardException.Code.KEY, () -> DirectoryPins.of(nullKey)).getMessage());
    }

    @Test
    void oneKeyPinnedToTwoShardsFails() {
        // 42 and 42L are the same key, as are two arrays with the same bytes; neither pin may silently win
        assertEquals("key 42 is pinned to both 'pinned' and 'other' — keep one pin for it",
                fails(ShardException.Code.CONFIG, () -> pins(42, PINNED, 42L, OTHER)).getMessage());
        assertEquals("key 0x0102 is pinned to both 'pinned' and 'other' — keep one pin for it",
                fails(ShardException.Code.CONFIG, () -> pins(new byte[] {1, 2}, PINNED, new byte[] {1, 2}, OTHER))
                        .getMessage());
        // the same key pinned twice to the same shard is harmless
        DirectoryPins same = pins(42, PINNED, 42L, PINNED);
        assertEquals(1, same.size());
        assertEquals(PINNED, same.pinned(42L));
    }

    @Test
    void pinLookupsAgreeForLongAndObjectPaths() {
        DirectoryPins pins = pins(-1L, PINNED, 0L, OTHER, 1L << 40, PINNED);
        for (long key : new long[] {-2, -1, 0, 1, 1L << 40, (1L << 40) + 1}) {
            assertEquals(pins.pinned(key), pins.pinned((Object) key), "key " + key);
        }
        assertNotEquals(pins.pinned(-1L), pins.pinned(0L));
    }
}
