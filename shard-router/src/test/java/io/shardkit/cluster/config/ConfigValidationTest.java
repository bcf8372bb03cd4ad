package io.shardkit.cluster.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkit.cluster.internal.ClusterPlan;
import io.shardkit.router.ConsistentHashRing;
import io.shardkit.router.ShardException;
import io.shardkit.router.ShardId;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jooq.SQLDialect;
import org.junit.jupiter.api.Test;

/**
 * Every way a {@code shards.yml} can be wrong, through the same path a service takes: {@link ShardsYaml#parse}
 * then {@link ClusterPlan#compile}. Each test pins the complete list of problems, so a missing problem, an extra
 * (cascaded) one or a reworded message all fail.
 */
class ConfigValidationTest {

    static final String SENTINEL = "S3cr3t-Sentinel-!";
    static final Map<String, String> ENV = Map.of("DB_PASSWORD", SENTINEL);

    static final String TWO_DATABASES = """
            databases:
              db0: { url: "jdbc:h2:mem:a", username: sa }
              db1: { url: "jdbc:h2:mem:b", username: sa }
            """;
    static final String TWO_SHARDS = """
            shards:
              - { id: s0, database: db0 }
              - { id: s1, database: db1 }
            """;
    static final String MODULO = "strategy: { type: modulo }\n";
    static final String DECLARED = "declared databases: [db0, db1]";
    static final String STRATEGIES = "[range, modulo, consistent-hash, jump, embedded-id]";

    static ClusterPlan compile(String yaml) {
        return compile(yaml, ENV::get);
    }

    static ClusterPlan compile(String yaml, Function<String, String> env) {
        return ClusterPlan.compile(ShardsYaml.parse(yaml, env));
    }

    static ShardConfigException invalid(String yaml) {
        ShardConfigException e = assertThrows(ShardConfigException.class, () -> compile(yaml));
        assertEquals(ShardException.Code.CONFIG, e.code());
        return e;
    }

    /** The file has exactly these problems, in this order, and the exception message lists each one. */
    static void assertProblems(String yaml, String... expected) {
        ShardConfigException e = invalid(yaml);
        assertEquals(List.of(expected), e.problems());
        for (String problem : expected) {
            assertTrue(e.getMessage().contains("\n  - " + problem), e.getMessage());
        }
    }

    static String rangeConfig(String keyType, String ranges) {
        return TWO_DATABASES + TWO_SHARDS + "strategy:\n  type: range\n  ranges:\n" + ranges + "keyType: " + keyType + "\n";
    }

    // --- shards and databases ---------------------------------------------------------------------------------

    @Test
    void aRingTooLargeToHoldIsRefused() {
        assertProblems(TWO_DATABASES + """
                shards:
                  - { id: s0, database: db0, weight: 2000000000 }
                  - { id: s1, database: db1, weight: 2000000000 }
                strategy: { type: consistent-hash, virtualNodes: 1024 }
                """, "strategy: the ring would hold 4096000000000 points (total weight 4000000000 × 1024 virtual nodes), "
                + "more than 4194304 — lower virtualNodes or the weights");
    }

    @Test
    void blankMigrationLocation() {
        assertProblems(TWO_DATABASES + TWO_SHARDS + MODULO + "migrations: { locations: [ \"filesystem:db/migration\", \" \" ] }\n",
                "migrations.locations[1]: empty — write a Flyway location, e.g. filesystem:db/migration");
    }

    @Test
    void duplicateShardId() {
        assertProblems(TWO_DATABASES + """
                shards:
                  - { id: s0, database: db0 }
                  - { id: s0, database: db1 }
                """ + MODULO,
                "shards[1].id: duplicate shard id 's0' — each logical shard needs its own id");
    }

    @Test
    void unknownDatabase() {
        assertProblems(TWO_DATABASES + """
                shards:
                  - { id: s0, database: db0 }
                  - { id: s1, database: db9 }
                """ + MODULO,
                "shards[1].database: unknown database 'db9' — " + DECLARED);
    }

    @Test
    void shardWithoutDatabase() {
        assertProblems(TWO_DATABASES + """
                shards:
                  - { id: s0, database: db0 }
                  - { id: s1 }
                """ + MODULO,
                "shards[1].database: missing — name one of the databases: [db0, db1]");
    }

    @Test
    void shardWithoutId() {
        assertProblems(TWO_DATABASES + """
                shards:
                  - { id: s0, database: db0 }
                  - { database: db1 }
                """ + MODULO,
                "shards[1].id: missing — every shard needs an id, e.g. s0");
    }

    @Test
    void invalidShardIdCharacters() {
        assertProblems(TWO_DATABASES + """
                shards:
                  - { id: s0, database: db0 }
                  - { id: "eu west/1", database: db1 }
                """ + MODULO,
                "shards[1].id: invalid shard id 'eu west/1' — use 1 to 63 letters, digits, '_', '.' or '-', "
                        + "starting with a letter or digit");
        assertProblems(TWO_DATABASES + """
                shards:
                  - { id: s0, database: db0 }
                  - { id: "-s1", database: db1 }
                """ + MODULO,
                "shards[1].id: invalid shard id '-s1' — use 1 to 63 letters, digits, '_', '.' or '-', "
                        + "starting with a letter or digit");
    }

    @Test
    void missingUrl() {
        assertProblems("""
                databases:
                  db0: { url: "jdbc:h2:mem:a" }
                  db1: { username: sa }
                """ + TWO_SHARDS + MODULO,
                "databases.db1.url: missing — set the JDBC URL, e.g. jdbc:postgresql://host:5432/app");
    }

    @Test
    void emptyDatabaseEntry() {
        assertProblems("""
                databases:
                  db0: { url: "jdbc:h2:mem:a" }
                  db1:
                """ + TWO_SHARDS + MODULO,
                "databases.db1: empty — give it at least a url");
    }

    @Test
    void noDatabasesAndNoShards() {
        assertProblems(MODULO,
                "databases: none declared — declare at least one, e.g. db0: { url: jdbc:postgresql://host/app0 }",
                "shards: none declared — declare at least one, e.g. - { id: s0, database: db0 }");
    }

    @Test
    void noShards() {
        assertProblems(TWO_DATABASES + "shards: []\n" + MODULO,
                "shards: none declared — declare at least one, e.g. - { id: s0, database: db0 }");
    }

    @Test
    void twoShardsOnOneDatabaseNeedDistinctSchemas() {
        String prefix = "databases:\n  db0: { url: \"jdbc:h2:mem:a\" }\nshards:\n";
        assertProblems(prefix + "  - { id: s0, database: db0 }\n  - { id: s1, database: db0 }\n" + MODULO,
                "shards[1]: shards 's0' and 's1' are both on database 'db0' with no schema — their rows would mix; "
                        + "give each a schema of its own");
        // schema names compare case-insensitively, as unquoted SQL names do
        assertProblems(prefix + "  - { id: s0, database: db0, schema: app }\n  - { id: s1, database: db0, schema: APP }\n"
                        + MODULO,
                "shards[1]: shards 's0' and 's1' are both on database 'db0' in schema 'APP' — their rows would mix; "
                        + "give each a schema of its own");

        ClusterPlan plan = compile(prefix
                + "  - { id: s0, database: db0, schema: app0 }\n  - { id: s1, database: db0, schema: app1 }\n" + MODULO);
        assertEquals(List.of(new ClusterPlan.Placement(ShardId.of("s0"), "db0", "app0"),
                new ClusterPlan.Placement(ShardId.of("s1"), "db0", "app1")), plan.placements());
    }

    @Test
    void blankSchema() {
        assertProblems(TWO_DATABASES + """
                shards:
                  - { id: s0, database: db0, schema: " " }
                  - { id: s1, database: db1 }
                """ + MODULO,
                "shards[0].schema: blank — omit it or name a schema");
    }

    // --- dialects and pools -----------------------------------------------------------------------------------

    @Test
    void unknownDialect() {
        assertProblems("""
                databases:
                  db0: { url: "jdbc:h2:mem:a" }
                  db1: { url: "jdbc:oracle:thin:@//host:1521/app", dialect: oracle }
                """ + TWO_SHARDS + MODULO,
                "databases.db1.dialect: unknown dialect 'oracle' — use postgres, mysql, mariadb or h2");
    }

    @Test
    void dialectCannotBeInferredFromUrl() {
        assertProblems("""
                databases:
                  db0: { url: "jdbc:h2:mem:a" }
                  db1: { url: "jdbc:sqlserver://host:1433;databaseName=app" }
                """ + TWO_SHARDS + MODULO,
                "databases.db1.url: cannot infer the dialect from 'jdbc:sqlserver://host:1433;databaseName=app' — use a "
                        + "jdbc:postgresql:, jdbc:mysql:, jdbc:mariadb: or jdbc:h2: URL, or set dialect");
    }

    @Test
    void declaredDialectWinsOverInference() {
        ClusterPlan plan = compile("""
                databases:
                  db0: { url: "jdbc:postgresql://host:5432/app" }
                  db1: { url: "jdbc:pgsql-proxy://host/app", dialect: PostgreSQL }
                """ + TWO_SHARDS + MODULO);
        assertEquals(SQLDialect.POSTGRES, plan.databases().get("db0").dialect());
        assertEquals(SQLDialect.POSTGRES, plan.databases().get("db1").dialect());
    }

    @Test
    void maximumPoolSizeZero() {
        assertProblems("""
                databases:
                  db0: { url: "jdbc:h2:mem:a", pool: { maximumPoolSize: 0 } }
                  db1: { url: "jdbc:h2:mem:b" }
                """ + TWO_SHARDS + MODULO,
                "databases.db0.pool.maximumPoolSize: must be at least 1, was 0");
    }

    @Test
    void minimumIdleAboveMaximumPoolSize() {
        assertProblems("""
                databases:
                  db0: { url: "jdbc:h2:mem:a", pool: { maximumPoolSize: 5, minimumIdle: 6 } }
                  db1: { url: "jdbc:h2:mem:b", pool: { minimumIdle: -1 } }
                """ + TWO_SHARDS + MODULO,
                "databases.db0.pool.minimumIdle: 6 exceeds maximumPoolSize 5 — lower minimumIdle or raise maximumPoolSize",
                "databases.db1.pool.minimumIdle: must not be negative, was -1");
    }

    @Test
    void connectionTimeoutBelowHikariMinimum() {
        assertProblems("""
                databases:
                  db0: { url: "jdbc:h2:mem:a", pool: { connectionTimeoutMs: 100 } }
                  db1: { url: "jdbc:h2:mem:b" }
                """ + TWO_SHARDS + MODULO,
                "databases.db0.pool.connectionTimeoutMs: must be at least 250 (HikariCP's minimum), was 100");
    }

    // --- strategies ---------------------------------------------------------------------------------------------

    @Test
    void unknownStrategy() {
        assertProblems(TWO_DATABASES + TWO_SHARDS + "strategy: { type: rendezvous }\n",
                "strategy.type: unknown strategy 'rendezvous' — use one of " + STRATEGIES);
    }

    @Test
    void missingStrategy() {
        assertProblems(TWO_DATABASES + TWO_SHARDS, "strategy.type: missing — choose one of " + STRATEGIES);
        assertProblems(TWO_DATABASES + TWO_SHARDS + "strategy: { hash: murmur3 }\n",
                "strategy.type: missing — choose one of " + STRATEGIES);
    }

    @Test
    void virtualNodesZeroAndNegative() {
        String remedy = " — omit it for the default " + ConsistentHashRing.DEFAULT_VIRTUAL_NODES;
        assertProblems(TWO_DATABASES + TWO_SHARDS + "strategy: { type: consistent-hash, virtualNodes: 0 }\n",
                "strategy.virtualNodes: must be positive, was 0" + remedy);
        assertProblems(TWO_DATABASES + TWO_SHARDS + "strategy: { type: consistent-hash, virtualNodes: -5 }\n",
                "strategy.virtualNodes: must be positive, was -5" + remedy);
    }

    @Test
    void virtualNodesOnANonRingStrategy() {
        assertProblems(TWO_DATABASES + TWO_SHARDS + "strategy: { type: jump, virtualNodes: 64 }\n",
                "strategy.virtualNodes: only consistent-hash has virtual nodes, not jump — remove it");
    }

    @Test
    void weightZeroOrNegative() {
        assertProblems(TWO_DATABASES + """
                shards:
                  - { id: s0, database: db0, weight: 0 }
                  - { id: s1, database: db1, weight: -2 }
                strategy: { type: consistent-hash }
                """,
                "shards[0].weight: must be positive, was 0 — omit it for the default weight 1",
                "shards[1].weight: must be positive, was -2 — omit it for the default weight 1");
    }

    @Test
    void weightOnANonRingStrategy() {
        String weighted = TWO_DATABASES + """
                shards:
                  - { id: s0, database: db0 }
                  - { id: s1, database: db1, weight: 3 }
                """;
        assertProblems(weighted + MODULO,
                "shards[1].weight: only consistent-hash supports weights, not modulo — remove it or use consistent-hash");
        assertProblems(weighted + "strategy: { type: jump }\n",
                "shards[1].weight: only consistent-hash supports weights, not jump — remove it or use consistent-hash");
        // range used to ignore weights silently
        assertProblems(weighted + """
                strategy: { type: range, ranges: [ { shard: s0, from: unbounded, to: 0 }, { shard: s1, from: 0, to: unbounded } ] }
                keyType: long
                """,
                "shards[1].weight: only consistent-hash supports weights, not range — remove it or use consistent-hash");
    }

    @Test
    void weightsWorkOnTheRing() {
        ClusterPlan plan = compile(TWO_DATABASES + """
                shards:
                  - { id: s0, database: db0, weight: 1 }
                  - { id: s1, database: db1, weight: 3 }
                strategy: { type: consistent-hash, virtualNodes: 64 }
                """);
        int s1 = 0;
        for (long key = 0; key < 4000; key++) {
            if (plan.router().shardFor(key).equals(ShardId.of("s1"))) s1++;
        }
        // three quarters of the keys, give or take the ring's imbalance at 64 virtual nodes
        assertTrue(s1 > 2600 && s1 < 3400, "s1 got " + s1 + " of 4000 keys");
    }

    @Test
    void unknownHash() {
        assertProblems(TWO_DATABASES + TWO_SHARDS + "strategy: { type: consistent-hash, hash: sha1 }\n",
                "strategy.hash: unknown hash 'sha1' — use murmur3 or fnv1a32");
    }

    @Test
    void hashOnTheRangeStrategy() {
        assertProblems(TWO_DATABASES + TWO_SHARDS + """
                strategy: { type: range, hash: murmur3, ranges: [ { shard: s0, from: unbounded, to: unbounded } ] }
                keyType: long
                """,
                "strategy.hash: the range strategy routes by the key itself and takes no hash — remove it");
    }

    @Test
    void rangesGivenToAModuloStrategy() {
        assertProblems(TWO_DATABASES + TWO_SHARDS + """
                strategy: { type: modulo, ranges: [ { shard: s0, from: unbounded, to: unbounded } ] }
                """,
                "strategy.ranges: only the range strategy takes ranges, not modulo — remove them or set type: range");
    }

    @Test
    void instantKeyTypeWithAHashingStrategy() {
        assertProblems(TWO_DATABASES + TWO_SHARDS + "strategy: { type: consistent-hash }\nkeyType: instant\n",
                "keyType: instant keys can only be routed by the range strategy, not consistent-hash — use type: range "
                        + "or another keyType");
    }

    @Test
    void unknownKeyTypeIsReportedOnce() {
        // not followed by "keyType: required ..." for the range strategy and the pins: it was given, just misspelt
        assertProblems(rangeConfig("lnog", "    - { shard: s0, from: unbounded, to: unbounded }\n") + "pins: { \"7\": s1 }\n",
                "keyType: unknown key type 'lnog' — use long, string, uuid, bytes or instant");
    }

    // --- ranges -----------------------------------------------------------------------------------------------

    @Test
    void rangeStrategyWithoutKeyType() {
        assertProblems(TWO_DATABASES + TWO_SHARDS + """
                strategy: { type: range, ranges: [ { shard: s0, from: unbounded, to: 10 }, { shard: s1, from: 10, to: unbounded } ] }
                """,
                "keyType: required by the range strategy — set long, string or instant");
    }

    @Test
    void rangeStrategyWithUnorderedKeyType() {
        // used to escape compile() as a raw IllegalArgumentException from UUID.fromString("10")
        assertProblems(rangeConfig("uuid", """
                    - { shard: s0, from: unbounded, to: 10 }
                    - { shard: s1, from: 10, to: unbounded }
                """),
                "keyType: the range strategy needs ordered keys — long, string or instant, not uuid — change keyType "
                        + "or use a hashing strategy");
    }

    @Test
    void rangeStrategyWithoutRanges() {
        assertProblems(TWO_DATABASES + TWO_SHARDS + "strategy: { type: range }\nkeyType: long\n",
                "strategy.ranges: missing — declare ranges like - { shard: s0, from: 0, to: 1000 }");
    }

    @Test
    void rangeGap() {
        assertProblems(rangeConfig("long", """
                    - { shard: s0, from: 0, to: 10 }
                    - { shard: s1, from: 20, to: unbounded }
                """),
                "strategy.ranges: gap between range [0, 10) on shard s0 and range [20, unbounded) on shard s1: keys from "
                        + "10 to 20 have no shard — make each range's 'from' equal the previous range's 'to'");
    }

    @Test
    void rangeOverlap() {
        assertProblems(rangeConfig("long", """
                    - { shard: s0, from: unbounded, to: 20 }
                    - { shard: s1, from: 10, to: unbounded }
                """),
                "strategy.ranges: range [unbounded, 20) on shard s0 overlaps range [10, unbounded) on shard s1 — make "
                        + "each range's 'from' equal the previous range's 'to'");
    }

    @Test
    void emptyRange() {
        assertProblems(rangeConfig("long", """
                    - { shard: s0, from: unbounded, to: 10 }
                    - { shard: s1, from: 10, to: 10 }
                """),
                "strategy.ranges: range [10, 10) on shard s1 is empty — 'from' must be below 'to' (from is inclusive, "
                        + "to exclusive)");
        assertProblems(rangeConfig("string", """
                    - { shard: s0, from: m, to: c }
                """),
                "strategy.ranges: range [m, c) on shard s0 is empty — 'from' must be below 'to' (from is inclusive, "
                        + "to exclusive)");
    }

    @Test
    void unboundedInTheMiddle() {
        assertProblems(rangeConfig("long", """
                    - { shard: s0, from: unbounded, to: 10 }
                    - { shard: s1, from: 10, to: unbounded }
                    - { shard: s0, from: 20, to: 30 }
                """),
                "strategy.ranges: range [10, unbounded) on shard s1 is unbounded above but is not the last range — it "
                        + "overlaps [20, 30) on shard s0");
        assertProblems(rangeConfig("long", """
                    - { shard: s0, from: unbounded, to: 10 }
                    - { shard: s1, from: unbounded, to: 20 }
                """),
                "strategy.ranges: range [unbounded, 20) on shard s1 is unbounded below but is not the first range — "
                        + "only the lowest range may be");
    }

    @Test
    void rangeBoundNotParseableAsKeyType() {
        assertProblems(rangeConfig("long", """
                    - { shard: s0, from: unbounded, to: ten }
                    - { shard: s1, from: ten, to: unbounded }
                """),
                "strategy.ranges[0].to: 'ten' is not a long value — write a whole number such as 1000, or 'unbounded'",
                "strategy.ranges[1].from: 'ten' is not a long value — write a whole number such as 1000, or 'unbounded'");
        assertProblems(rangeConfig("instant", """
                    - { shard: s0, from: unbounded, to: "2024-13-01" }
                """),
                "strategy.ranges[0].to: '2024-13-01' is not an instant value — write an ISO-8601 instant such as "
                        + "2024-01-01T00:00:00Z, or 'unbounded'");
    }

    @Test
    void rangeBoundMissingOrRangeOnUnknownShard() {
        assertProblems(rangeConfig("long", """
                    - { shard: s0, from: unbounded }
                    - { shard: s7, from: 10, to: unbounded }
                """),
                "strategy.ranges[0].to: missing — give a long value, or 'unbounded' to open the end",
                "strategy.ranges[1].shard: unknown shard 's7' — declared shards: [s0, s1]");
    }

    @Test
    void shardWithoutARangeIsAWarning() {
        ClusterPlan plan = compile(rangeConfig("long", "    - { shard: s0, from: unbounded, to: unbounded }\n"));
        assertEquals(List.of("shards: 's1' has no range, so no key reaches it except through pins"), plan.warnings());
    }

    // --- pins -------------------------------------------------------------------------------------------------

    @Test
    void pinToAnUnknownShard() {
        assertProblems(TWO_DATABASES + TWO_SHARDS + MODULO + "keyType: string\npins: { \"tenant-42\": s9 }\n",
                "pins.tenant-42: pinned to unknown shard 's9' — declared shards: [s0, s1]");
    }

    @Test
    void pinsWithoutKeyType() {
        assertProblems(TWO_DATABASES + TWO_SHARDS + MODULO + "pins: { \"42\": s1 }\n",
                "keyType: required when pins are declared, so that pin keys are read as the type the service routes by "
                        + "(e.g. long 42 vs string \"42\") — set long, string, uuid or bytes");
    }

    @Test
    void pinKeyNotParseableAsKeyType() {
        assertProblems(TWO_DATABASES + TWO_SHARDS + MODULO + "keyType: long\npins: { \"tenant-42\": s1 }\n",
                "pins.tenant-42: 'tenant-42' is not a long key (keyType) — write a whole number such as 1000, or change "
                        + "keyType");
        assertProblems(TWO_DATABASES + TWO_SHARDS + MODULO + "keyType: uuid\npins: { \"not-a-uuid\": s1 }\n",
                "pins.not-a-uuid: 'not-a-uuid' is not a uuid key (keyType) — write a UUID such as "
                        + "123e4567-e89b-12d3-a456-426614174000, or change keyType");
        assertProblems(TWO_DATABASES + TWO_SHARDS + MODULO + "keyType: bytes\npins: { \"0xZZ\": s1 }\n",
                "pins.0xZZ: '0xZZ' is not a bytes key (keyType) — write hex digits such as 0a1b, or change keyType");
    }

    @Test
    void oneKeyPinnedTwiceToDifferentShards() {
        // "42" and "042" are the same long key: the later pin must not silently replace the earlier
        assertProblems(TWO_DATABASES + TWO_SHARDS + MODULO + "keyType: long\npins: { \"42\": s0, \"042\": s1 }\n",
                "pins.042: the same long key as an earlier pin to 's0' — keep one pin for it");
        // byte[] keys are compared by content in DirectoryPins, not by identity
        assertProblems(TWO_DATABASES + TWO_SHARDS + MODULO + "keyType: bytes\npins: { \"0a1b\": s0, \"0A1B\": s1 }\n",
                "pins: key 0x0a1b is pinned to both 's0' and 's1' — keep one pin for it");
    }

    // --- variables and YAML -----------------------------------------------------------------------------------

    @Test
    void unresolvedVariableNamesTheVariableAndTheProperty() {
        String yaml = """
                databases:
                  db0: { url: "jdbc:h2:mem:a", username: sa, password: "${DB_PASSWORD}" }
                  db1: { url: "${DB1_URL}" }
                """ + TWO_SHARDS + MODULO;
        ShardConfigException e = assertThrows(ShardConfigException.class, () -> compile(yaml, name -> null));
        assertEquals(List.of(
                "databases.db0.password: ${DB_PASSWORD} is not set — export DB_PASSWORD or write ${DB_PASSWORD:-default}",
                "databases.db1.url: ${DB1_URL} is not set — export DB1_URL or write ${DB1_URL:-default}"), e.problems());
    }

    @Test
    void variableDefaultIsUsedWhenUnset() {
        String yaml = """
                databases:
                  db0: { url: "${DB0_URL:-jdbc:h2:mem:fallback}", password: "${DB_PASSWORD:-}" }
                shards: [ { id: s0, database: db0 } ]
                strategy: { type: "${STRATEGY:-jump}" }
                """;
        ClusterPlan plan = compile(yaml, name -> null);
        assertEquals("jdbc:h2:mem:fallback", plan.databases().get("db0").config().url());
        assertEquals("", plan.databases().get("db0").config().password());
        assertTrue(plan.router().strategy().describe().startsWith("jump("), plan.router().strategy().describe());

        ClusterPlan fromEnv = compile(yaml, Map.of("DB0_URL", "jdbc:postgresql://db/app", "STRATEGY", "modulo")::get);
        assertEquals(SQLDialect.POSTGRES, fromEnv.databases().get("db0").dialect());
        assertTrue(fromEnv.router().strategy().describe().startsWith("modulo("), fromEnv.router().strategy().describe());
    }

    @Test
    void unknownYamlPropertyNamesItAndTheKnownOnes() {
        assertProblems(TWO_DATABASES + TWO_SHARDS + MODULO + "pinns: { a: s0 }\n",
                "pinns: unknown property 'pinns' — known here: [databases, hotKeys, keyType, migrations, pins, reads, shards, strategy, tables, topology]");
        assertProblems("""
                databases:
                  db0: { url: "jdbc:h2:mem:a", passwd: x }
                """ + TWO_SHARDS + MODULO,
                "databases.db0.passwd: unknown property 'passwd' — known here: [dialect, password, pool, replicas, url, username]");
        assertProblems(TWO_DATABASES + TWO_SHARDS + "strategy: { type: consistent-hash, vnodes: 64 }\n",
                "strategy.vnodes: unknown property 'vnodes' — known here: [hash, ranges, type, virtualNodes]");
    }

    @Test
    void malformedYamlGivesTheLine() {
        assertProblems("""
                databases:
                  db0: { url: "jdbc:h2:mem:a"
                  db1: { url: "jdbc:h2:mem:b" }
                """,
                "shards.yml is not valid YAML at line 3, column 3: expected ',' or '}', but got <scalar> (while parsing a flow "
                        + "mapping from line 2, column 8) — fix the YAML there (indent with spaces, close every quote and "
                        + "bracket)");
    }

    @Test
    void repeatedYamlKeyIsAnError() {
        // used to keep the second db0 silently
        assertProblems("""
                databases:
                  db0: { url: "jdbc:h2:mem:a" }
                  db0: { url: "jdbc:h2:mem:b" }
                """ + TWO_SHARDS + MODULO,
                "shards.yml is not valid YAML at line 3, column 6: Duplicate field 'db0' — fix the YAML there (indent "
                        + "with spaces, close every quote and bracket)");
    }

    @Test
    void wrongKindOfValue() {
        assertProblems(TWO_DATABASES + TWO_SHARDS + "strategy: { type: consistent-hash, virtualNodes: lots }\n",
                "strategy.virtualNodes: 'lots' is not a whole number — write a whole number here");
        assertProblems(TWO_DATABASES + "shards: { id: s0, database: db0 }\n" + MODULO,
                "shards: wrong kind of value — write a list here");
    }

    @Test
    void emptyListEntry() {
        // used to surface as "Cannot construct instance of ... problem: java.lang.NullPointerException"
        assertProblems(TWO_DATABASES + "shards:\n  - { id: s0, database: db0 }\n  -\n" + MODULO,
                "shards[1]: empty entry — fill it in or delete its '-' line");
    }

    // --- the whole file -----------------------------------------------------------------------------------------

    @Test
    void everyProblemInAFileIsReportedAtOnce() {
        ShardConfigException e = invalid("""
                databases:
                  db0: { url: "jdbc:h2:mem:a", pool: { maximumPoolSize: 0 } }
                  db1: { url: "jdbc:h2:mem:b" }
                  db2: { url: "jdbc:db2://host/app" }
                shards:
                  - { id: s0, database: db0 }
                  - { id: s0, database: db1 }
                  - { id: s2, database: db7 }
                  - { id: s3, database: db2, weight: 2 }
                strategy: { type: modulo, virtualNodes: 8 }
                keyType: long
                pins: { "12": s9, "x": s0 }
                """);
        List<String> expected = List.of(
                "databases.db0.pool.maximumPoolSize: must be at least 1, was 0",
                "databases.db2.url: cannot infer the dialect from 'jdbc:db2://host/app' — use a jdbc:postgresql:, "
                        + "jdbc:mysql:, jdbc:mariadb: or jdbc:h2: URL, or set dialect",
                "shards[1].id: duplicate shard id 's0' — each logical shard needs its own id",
                "shards[2].database: unknown database 'db7' — declared databases: [db0, db1, db2]",
                "strategy.virtualNodes: only consistent-hash has virtual nodes, not modulo — remove it",
                "shards[3].weight: only consistent-hash supports weights, not modulo — remove it or use consistent-hash",
                "pins.12: pinned to unknown shard 's9' — declared shards: [s0, s2, s3]",
                "pins.x: 'x' is not a long key (keyType) — write a whole number such as 1000, or change keyType");
        assertEquals(expected, e.problems());
        assertTrue(e.getMessage().startsWith("invalid shard configuration (8 problems):\n  - "), e.getMessage());
        // db1 is declared but holds no valid shard: a warning, shown with the problems
        assertTrue(e.getMessage().endsWith("\n  (warning) databases.db1: no shard uses this database — remove it or "
                + "place a shard on it"), e.getMessage());
    }

    @Test
    void unusedDatabaseIsAWarningNotAnError() {
        ClusterPlan plan = compile("""
                databases:
                  db0: { url: "jdbc:h2:mem:a" }
                  db1: { url: "jdbc:h2:mem:b" }
                  spare: { url: "jdbc:h2:mem:c" }
                """ + TWO_SHARDS + MODULO);
        assertEquals(List.of("databases.spare: no shard uses this database — remove it or place a shard on it"),
                plan.warnings());
        assertEquals(List.of("db0", "db1", "spare"), List.copyOf(plan.databases().keySet()));
    }

    @Test
    void validHashConfigCompilesAndRoutes() {
        ClusterPlan plan = compile("""
                databases:
                  db0: { url: "jdbc:h2:mem:a", username: sa, password: "${DB_PASSWORD}", pool: { maximumPoolSize: 5 } }
                  db1: { url: "jdbc:h2:mem:b", username: sa }
                shards:
                  - { id: s0, database: db0 }
                  - { id: s1, database: db1 }
                strategy: { type: consistent-hash, virtualNodes: 256, hash: murmur3 }
                keyType: string
                pins: { "tenant-42": s1 }
                """);
        assertEquals(List.of(), plan.warnings());
        assertEquals(SQLDialect.H2, plan.databases().get("db0").dialect());
        assertEquals(SENTINEL, plan.databases().get("db0").config().password());
        assertEquals(5, plan.databases().get("db0").config().pool().maximumPoolSize());
        assertEquals(List.of(new ClusterPlan.Placement(ShardId.of("s0"), "db0", null),
                new ClusterPlan.Placement(ShardId.of("s1"), "db1", null)), plan.placements());
        assertEquals(List.of(ShardId.of("s0"), ShardId.of("s1")), plan.router().shards());
        assertEquals("ShardRouter[consistent-hash(murmur3, 256 vnodes, 2 shards), 1 pins, string keys]",
                plan.router().toString());

        assertEquals(ShardId.of("s1"), plan.router().shardFor("tenant-42"));
        // unpinned keys follow the ring, and both shards get some
        java.util.Set<ShardId> seen = new java.util.HashSet<>();
        for (int i = 0; i < 100; i++) {
            String key = "tenant-" + i;
            ShardId shard = plan.router().shardFor(key);
            if (i != 42) assertEquals(plan.router().strategy().shardFor(key), shard, key);
            seen.add(shard);
        }
        assertEquals(java.util.Set.of(ShardId.of("s0"), ShardId.of("s1")), seen);
        // the declared key type is enforced
        ShardException e = assertThrows(ShardException.class, () -> plan.router().shardFor(42L));
        assertEquals(ShardException.Code.KEY, e.code());
    }

    @Test
    void validRangeConfigCompilesAndRoutes() {
        ClusterPlan plan = compile(rangeConfig("long", """
                    - { shard: s1, from: 1000, to: unbounded }
                    - { shard: s0, from: unbounded, to: 1000 }
                """) + "pins: { \"5\": s1 }\n");
        assertEquals(List.of(), plan.warnings());
        assertEquals(ShardId.of("s0"), plan.router().shardFor(Long.MIN_VALUE));
        assertEquals(ShardId.of("s0"), plan.router().shardFor(999L));
        assertEquals(ShardId.of("s1"), plan.router().shardFor(1000L));
        assertEquals(ShardId.of("s1"), plan.router().shardFor(Long.MAX_VALUE));
        assertEquals(ShardId.of("s1"), plan.router().shardFor(5L)); // pinned
        assertEquals(ShardId.of("s1"), plan.router().shardFor((Object) 5)); // an int key, widened
        assertEquals(ShardId.of("s0"), plan.router().shardFor(6L));
    }

    @Test
    void instantRangesFromYaml() {
        ClusterPlan plan = compile(rangeConfig("instant", """
                    - { shard: s0, from: 2024-01-01T00:00:00Z, to: "2025-01-01T00:00:00Z" }
                    - { shard: s1, from: "2025-01-01T00:00:00Z", to: unbounded }
                """));
        assertEquals(ShardId.of("s0"), plan.router().shardFor(java.time.Instant.parse("2024-12-31T23:59:59.999Z")));
        assertEquals(ShardId.of("s1"), plan.router().shardFor(java.time.Instant.parse("2025-01-01T00:00:00Z")));
    }

    // --- secrets ----------------------------------------------------------------------------------------------

    @Test
    void passwordNeverAppearsInToStringOfConfigOrPlan() {
        for (String password : List.of("\"" + SENTINEL + "\"", "\"${DB_PASSWORD}\"")) {
            String yaml = """
                    databases:
                      db0: { url: "jdbc:h2:mem:a", username: sa, password: %s }
                      db1: { url: "jdbc:postgresql://app:S3cr3t-Sentinel-!@db1.internal:5432/app?ssl=true" }
                      db2: { url: "jdbc:mysql://db2.internal/app?user=app&password=S3cr3t-Sentinel-!" }
                    shards:
                      - { id: s0, database: db0 }
                      - { id: s1, database: db1 }
                      - { id: s2, database: db2 }
                    strategy: { type: jump }
                    """.formatted(password);
            ClusterConfig config = ShardsYaml.parse(yaml, ENV::get);
            assertEquals(SENTINEL, config.databases().get("db0").password(), "the value itself is kept");
            assertNoSentinel(config.toString());
            assertTrue(config.toString().contains("password=*****"), config.toString());
            assertTrue(config.toString().contains("jdbc:postgresql://app:*****@db1.internal:5432/app?ssl=true"),
                    config.toString());
            config.databases().values().forEach(db -> assertNoSentinel(db.toString()));
            ClusterPlan plan = ClusterPlan.compile(config);
            assertNoSentinel(plan.toString());
        }
    }

    @Test
    void passwordNeverAppearsInProblemsOfAConfigInvalidElsewhere() {
        List<String> invalidFiles = List.of(
                // compile-time problems around databases that hold the secret, in every place it can be
                """
                databases:
                  db0: { url: "jdbc:h2:mem:a", password: "S3cr3t-Sentinel-!", dialect: oracle, pool: { maximumPoolSize: 0 } }
                  db1: { url: "jdbc:unknown://app:S3cr3t-Sentinel-!@host/app", password: "${DB_PASSWORD}" }
                  db2: { url: "jdbc:sqlserver://host;user=sa;password=S3cr3t-Sentinel-!" }
                  db3: { url: "jdbc:oracle:thin:app/S3cr3t-Sentinel-!@host:1521:orcl" }
                shards:
                  - { id: s0, database: db0 }
                  - { id: s0, database: db1 }
                strategy: { type: nope }
                """,
                // parse-time problems: unknown property next to the password
                """
                databases:
                  db0: { url: "jdbc:h2:mem:a", password: "S3cr3t-Sentinel-!", passwrd: "S3cr3t-Sentinel-!" }
                """,
                // a type error in the database holding it
                """
                databases:
                  db0: { url: "jdbc:h2:mem:a", password: "${DB_PASSWORD}", pool: { maximumPoolSize: many } }
                """,
                // a syntax error on the password's line: SnakeYAML used to quote that line in the message
                """
                databases:
                  db0: { url: "jdbc:h2:mem:a"
                    password: S3cr3t-Sentinel-! }
                """,
                """
                databases:
                  db0:
                    password: S3cr3t-Sentinel-!
                     url: x
                """);
        for (String yaml : invalidFiles) {
            ShardConfigException e = invalid(yaml);
            assertFalse(e.problems().isEmpty());
            assertNoSentinel(e.getMessage());
            e.problems().forEach(ConfigValidationTest::assertNoSentinel);
        }
        // the first file fails for every reason given above, so the check covered each message
        assertEquals(7, invalid(invalidFiles.getFirst()).problems().size(), invalid(invalidFiles.getFirst()).getMessage());
    }

    static void assertNoSentinel(String text) {
        assertFalse(text.contains(SENTINEL), () -> "the password leaked into: " + text);
        assertFalse(text.contains("S3cr3t"), () -> "part of the password leaked into: " + text);
    }
}
