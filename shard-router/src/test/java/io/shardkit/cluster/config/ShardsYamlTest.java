package io.shardkit.cluster.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkit.cluster.config.ClusterConfig.DatabaseConfig;
import io.shardkit.cluster.config.ClusterConfig.PoolConfig;
import io.shardkit.cluster.config.ClusterConfig.RangeConfig;
import io.shardkit.cluster.config.ClusterConfig.ShardConfig;
import io.shardkit.cluster.config.ClusterConfig.StrategyConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading {@code shards.yml} into records: shape, {@code ${VAR}} interpolation and parse-time errors. */
class ShardsYamlTest {

    static final String SENTINEL = "S3cr3t-Sentinel-!";
    static final Function<String, String> NO_ENV = name -> null;

    static final String EXAMPLE = """
            databases:
              db0: { url: "jdbc:h2:mem:a", username: sa, password: "${DB_PASSWORD}", pool: { maximumPoolSize: 5 } }
              db1: { url: "jdbc:h2:mem:b", username: sa }
            shards:
              - { id: s0, database: db0 }
              - { id: s1, database: db1, schema: app, weight: 2 }
            strategy: { type: consistent-hash, virtualNodes: 256, hash: murmur3 }
            keyType: string
            pins: { "tenant-42": s1 }
            """;

    static List<String> problems(String yaml, Function<String, String> env) {
        return assertThrows(ShardConfigException.class, () -> ShardsYaml.parse(yaml, env)).problems();
    }

    @Test
    void parsesTheDocumentedShape() {
        ClusterConfig config = ShardsYaml.parse(EXAMPLE, Map.of("DB_PASSWORD", SENTINEL)::get);

        assertEquals(List.of("db0", "db1"), List.copyOf(config.databases().keySet()), "declaration order is kept");
        assertEquals(new DatabaseConfig("jdbc:h2:mem:a", "sa", SENTINEL, null, new PoolConfig(5, null, null, null, null)),
                config.databases().get("db0"));
        assertEquals(new DatabaseConfig("jdbc:h2:mem:b", "sa", null, null, null), config.databases().get("db1"));
        assertEquals(List.of(new ShardConfig("s0", "db0", null, null), new ShardConfig("s1", "db1", "app", 2)),
                config.shards());
        assertEquals(new StrategyConfig("consistent-hash", "murmur3", 256, null), config.strategy());
        assertEquals("string", config.keyType());
        assertEquals(Map.of("tenant-42", "s1"), config.pins());
    }

    @Test
    void parsesTheMigrationsSection() {
        ClusterConfig config = ShardsYaml.parse(
                "migrations: { locations: [ \"filesystem:db/migration\", \"classpath:db/common\" ], allowClean: true }\n", NO_ENV);
        assertEquals(new ClusterConfig.MigrationsConfig(List.of("filesystem:db/migration", "classpath:db/common"), true),
                config.migrations());
        assertNull(ShardsYaml.parse(EXAMPLE, Map.of("DB_PASSWORD", SENTINEL)::get).migrations(), "absent: null");
        assertEquals(List.of(), ShardsYaml.parse("migrations: { allowClean: false }\n", NO_ENV).migrations().locations());
    }

    @Test
    void parsesTheTopologySection() {
        ClusterConfig config = ShardsYaml.parse("topology: { store: control, refreshIntervalMs: 200, pauseBudgetMs: 3000,"
                + " instance: web-1 }\n", NO_ENV);
        assertEquals(new ClusterConfig.TopologyConfig("control", 200L, null, 3_000L, "web-1"), config.topology());
        assertNull(ShardsYaml.parse(EXAMPLE, Map.of("DB_PASSWORD", SENTINEL)::get).topology(), "absent: a static topology");
    }

    @Test
    void parsesRanges() {
        ClusterConfig config = ShardsYaml.parse("""
                strategy: { type: range, ranges: [ { shard: s0, from: unbounded, to: 1000 }, { shard: s1, from: 1000, to: unbounded } ] }
                keyType: long
                """, NO_ENV);
        assertEquals(List.of(new RangeConfig("s0", "unbounded", "1000"), new RangeConfig("s1", "1000", "unbounded")),
                config.strategy().ranges());
    }

    @Test
    void absentSectionsAreEmptyNotNull() {
        ClusterConfig config = ShardsYaml.parse("strategy: { type: jump }\n", NO_ENV);
        assertEquals(Map.of(), config.databases());
        assertEquals(List.of(), config.shards());
        assertEquals(Map.of(), config.pins());
        assertNull(config.keyType());
        assertNull(config.strategy().ranges());
        assertThrows(UnsupportedOperationException.class, () -> config.pins().put("k", "s0"));
    }

    @Test
    void variablesResolveInsideLargerValues() {
        ClusterConfig config = ShardsYaml.parse("""
                databases:
                  db0: { url: "jdbc:postgresql://${DB_HOST}:${DB_PORT:-5432}/app_${REGION}", username: "${DB_USER:-app}" }
                """, Map.of("DB_HOST", "db.internal", "REGION", "eu")::get);
        assertEquals("jdbc:postgresql://db.internal:5432/app_eu", config.databases().get("db0").url());
        assertEquals("app", config.databases().get("db0").username());
    }

    @Test
    void environmentWinsOverTheDefault() {
        ClusterConfig config = ShardsYaml.parse("databases:\n  db0: { url: \"${DB_URL:-jdbc:h2:mem:fallback}\" }\n",
                Map.of("DB_URL", "jdbc:h2:mem:real")::get);
        assertEquals("jdbc:h2:mem:real", config.databases().get("db0").url());
    }

    @Test
    void variablesCanFeedNumbers() {
        ClusterConfig config = ShardsYaml.parse("""
                databases:
                  db0: { url: "jdbc:h2:mem:a", pool: { maximumPoolSize: "${POOL_SIZE:-7}", minimumIdle: "${MIN_IDLE}" } }
                """, Map.of("MIN_IDLE", "2")::get);
        assertEquals(new PoolConfig(7, 2, null, null, null), config.databases().get("db0").pool());
    }

    @Test
    void aSecretCannotChangeTheStructure() {
        // resolved after parsing: YAML syntax, '$' and '\' in a value stay text, and ${...} in a value is not expanded
        String tricky = "x\", pool: { maximumPoolSize: 0 }, a: [ $1 \\ ${OTHER}";
        ClusterConfig config = ShardsYaml.parse("""
                databases:
                  db0: { url: "jdbc:h2:mem:a", password: "${DB_PASSWORD}" }
                """, Map.of("DB_PASSWORD", tricky, "OTHER", "expanded")::get);
        assertEquals(tricky, config.databases().get("db0").password());
        assertNull(config.databases().get("db0").pool());
    }

    @Test
    void unsetVariableIsAnErrorNamingItAndTheProperty() {
        assertEquals(List.of(
                "databases.db0.password: ${DB_PASSWORD} is not set — export DB_PASSWORD or write ${DB_PASSWORD:-default}",
                "shards[1].id: ${SECOND_SHARD} is not set — export SECOND_SHARD or write ${SECOND_SHARD:-default}"),
                problems("""
                        databases:
                          db0: { url: "jdbc:h2:mem:a", password: "${DB_PASSWORD}" }
                        shards:
                          - { id: s0, database: db0 }
                          - { id: "${SECOND_SHARD}", database: db0 }
                        """, NO_ENV));
    }

    @Test
    void emptyEnvironmentValueIsNotUnset() {
        ClusterConfig config = ShardsYaml.parse("databases:\n  db0: { url: \"jdbc:h2:mem:a\", password: \"${DB_PASSWORD}\" }\n",
                Map.of("DB_PASSWORD", "")::get);
        assertEquals("", config.databases().get("db0").password());
    }

    @Test
    void malformedVariableReference() {
        assertEquals(List.of("databases.db0.password: malformed variable reference — write ${NAME} or ${NAME:-default}"),
                problems("databases:\n  db0: { url: \"jdbc:h2:mem:a\", password: \"${DB PASSWORD}\" }\n", NO_ENV));
        assertEquals(List.of("databases.db0.url: malformed variable reference — write ${NAME} or ${NAME:-default}"),
                problems("databases:\n  db0: { url: \"jdbc:h2:mem:${DB\" }\n", NO_ENV));
    }

    @Test
    void rootMustBeAMapping() {
        String expected = "shards.yml must be a mapping with databases, shards and strategy";
        assertEquals(List.of(expected), problems("", NO_ENV));
        assertEquals(List.of(expected), problems("# only a comment\n", NO_ENV));
        assertEquals(List.of(expected), problems("- db0\n- db1\n", NO_ENV));
    }

    @Test
    void tabIndentationGivesTheLine() {
        assertEquals(List.of("shards.yml is not valid YAML at line 3, column 1: found character '\\t(TAB)' that cannot "
                        + "start any token. (Do not use \\t(TAB) for indentation) (while scanning for the next token) — fix "
                        + "the YAML there (indent with spaces, close every quote and bracket)"),
                problems("databases:\n  db0:\n\turl: jdbc:h2:mem:a\n", NO_ENV));
    }

    @Test
    void unterminatedQuoteGivesTheLine() {
        assertEquals(List.of("shards.yml is not valid YAML at line 5, column 1: found unexpected end of stream (while "
                        + "scanning a quoted scalar from line 4, column 15) — fix the YAML there (indent with spaces, "
                        + "close every quote and bracket)"),
                problems("databases:\n  db0:\n    url: jdbc:h2:a\n    password: \"" + SENTINEL + "\n", NO_ENV));
    }

    @Test
    void unknownPropertyAtEachLevel() {
        assertEquals(List.of("shards[0].weigth: unknown property 'weigth' — known here: [database, id, schema, weight]"),
                problems("shards:\n  - { id: s0, database: db0, weigth: 2 }\n", NO_ENV));
        assertEquals(List.of("databases.db0.pool.maxPoolSize: unknown property 'maxPoolSize' — known here: "
                        + "[connectionTimeoutMs, idleTimeoutMs, maxLifetimeMs, maximumPoolSize, minimumIdle, statementTimeoutMs]"),
                problems("databases:\n  db0: { url: x, pool: { maxPoolSize: 3 } }\n", NO_ENV));
        assertEquals(List.of("strategy.ranges[1].until: unknown property 'until' — known here: [from, shard, to]"),
                problems("strategy: { type: range, ranges: [ { shard: s0, from: 0, to: 1 }, { shard: s1, from: 1, until: 2 } ] }\n",
                        NO_ENV));
    }

    @Test
    void wrongKindOfValueNamesWhatWasExpected() {
        assertEquals(List.of("databases.db0.pool: wrong kind of value — write a mapping of properties here"),
                problems("databases:\n  db0: { url: x, pool: \"" + SENTINEL + "\" }\n", NO_ENV).stream()
                        .peek(p -> assertFalse(p.contains(SENTINEL), p)).toList());
        assertEquals(List.of("databases.db0.pool.minimumIdle: '1.5x' is not a whole number — write a whole number here"),
                problems("databases:\n  db0: { url: x, pool: { minimumIdle: 1.5x } }\n", NO_ENV));
    }

    @Test
    void loadReadsAFile(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("shards.yml"), EXAMPLE);
        ClusterConfig config = ShardsYaml.load(file, Map.of("DB_PASSWORD", SENTINEL)::get);
        assertEquals(ShardsYaml.parse(EXAMPLE, Map.of("DB_PASSWORD", SENTINEL)::get), config);
    }

    @Test
    void loadOfAMissingFileSaysWhatToDo(@TempDir Path dir) {
        Path missing = dir.resolve("nope.yml");
        ShardConfigException e = assertThrows(ShardConfigException.class, () -> ShardsYaml.load(missing, NO_ENV));
        assertEquals(List.of(missing + ": no such file — pass the path of your shards.yml"), e.problems());
    }

    @Test
    void databaseToStringHidesThePassword() {
        ClusterConfig config = ShardsYaml.parse("""
                databases:
                  db0: { url: "jdbc:h2:mem:a", username: sa, password: "%s" }
                  db1: { url: "jdbc:h2:mem:b", username: sa, password: "${DB_PASSWORD}" }
                  db2: { url: "jdbc:postgresql://sa:%s@host/app" }
                """.formatted(SENTINEL, SENTINEL), Map.of("DB_PASSWORD", SENTINEL)::get);
        assertEquals("DatabaseConfig[url=jdbc:h2:mem:a, username=sa, password=*****, dialect=null, pool=null, replicas=[]]",
                config.databases().get("db0").toString());
        assertEquals(config.databases().get("db0").toString().replace("mem:a", "mem:b"),
                config.databases().get("db1").toString());
        assertEquals("DatabaseConfig[url=jdbc:postgresql://sa:*****@host/app, username=null, password=none, dialect=null, "
                + "pool=null, replicas=[]]", config.databases().get("db2").toString());
        assertFalse(config.toString().contains(SENTINEL), config.toString());
        assertTrue(config.toString().contains("password=*****"), config.toString());
    }
}
