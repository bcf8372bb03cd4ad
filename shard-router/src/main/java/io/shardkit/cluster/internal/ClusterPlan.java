package io.shardkit.cluster.internal;

import io.shardkit.cluster.ReadPolicy;
import io.shardkit.cluster.config.ClusterConfig.DatabaseConfig;
import io.shardkit.cluster.config.ClusterConfig.PoolConfig;
import io.shardkit.cluster.config.ClusterConfig.RangeConfig;
import io.shardkit.cluster.config.ClusterConfig.ShardConfig;
import io.shardkit.cluster.config.ClusterConfig.StrategyConfig;
import io.shardkit.cluster.config.ClusterConfig;
import io.shardkit.cluster.config.JdbcUrls;
import io.shardkit.cluster.config.ShardConfigException;
import io.shardkit.router.ConsistentHashRing;
import io.shardkit.router.DirectoryPins;
import io.shardkit.router.EmbeddedShardStrategy;
import io.shardkit.router.JumpHashStrategy;
import io.shardkit.router.KeyHash;
import io.shardkit.router.ModuloStrategy;
import io.shardkit.router.RangeStrategy;
import io.shardkit.router.ShardException;
import io.shardkit.router.ShardId;
import io.shardkit.router.ShardKeyType;
import io.shardkit.router.ShardRouter;
import io.shardkit.router.ShardStrategy;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jooq.SQLDialect;

/**
 * A {@link ClusterConfig} checked as a whole and compiled: the router, each logical shard's placement and each
 * database's dialect. Every problem is collected and reported at once, each naming its property; nothing
 * connects to a database here.
 */
public record ClusterPlan(ShardRouter router, Map<String, Database> databases, List<Placement> placements,
                          ReadPolicy reads, List<String> warnings) {

    /** A physical database with its inferred (or declared) dialect. */
    public record Database(String name, DatabaseConfig config, SQLDialect dialect) {
    }

    /** Where a logical shard lives: a database and, optionally, a schema in it. */
    public record Placement(ShardId shard, String database, String schema) {
    }

    public static final List<String> STRATEGIES = List.of("range", "modulo", "consistent-hash", "jump", "embedded-id");

    public ClusterPlan {
        databases = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(databases));
        placements = List.copyOf(placements);
        warnings = List.copyOf(warnings);
    }

    /** Validates {@code config}; throws {@link ShardConfigException} listing every problem. */
    public static ClusterPlan compile(ClusterConfig config) {
        Objects.requireNonNull(config, "config");
        return new Compiler(config).compile();
    }

    private static final class Compiler {
        private final ClusterConfig config;
        private final List<String> problems = new ArrayList<>();
        private final List<String> warnings = new ArrayList<>();

        Compiler(ClusterConfig config) {
            this.config = config;
        }

        ClusterPlan compile() {
            Map<String, Database> databases = databases();
            Map<ShardId, Placement> placements = placements(databases);
            ShardKeyType keyType = keyType();
            ShardStrategy strategy = strategy(new ArrayList<>(placements.keySet()), keyType);
            DirectoryPins pins = pins(placements, keyType);
            ReadPolicy reads = reads();
            migrations();
            for (String db : databases.keySet()) {
                if (placements.values().stream().noneMatch(p -> p.database().equals(db))) {
                    warnings.add("databases." + db + ": no shard uses this database — remove it or place a shard on it");
                }
            }
            if (!problems.isEmpty()) {
                throw new ShardConfigException(problems, warnings);
            }
            ShardRouter router = ShardRouter.of(strategy, pins, keyType);
            return new ClusterPlan(router, databases, List.copyOf(placements.values()), reads, warnings);
        }

        private Map<String, Database> databases() {
            Map<String, Database> out = new LinkedHashMap<>();
            if (config.databases().isEmpty()) {
                problems.add("databases: none declared — declare at least one, e.g. db0: { url: jdbc:postgresql://host/app0 }");
            }
            config.databases().forEach((name, db) -> {
                String p = "databases." + name;
                if (db == null) {
                    problems.add(p + ": empty — give it at least a url");
                    return;
                }
                if (db.url() == null || db.url().isBlank()) {
                    problems.add(p + ".url: missing — set the JDBC URL, e.g. jdbc:postgresql://host:5432/app");
                    return;
                }
                SQLDialect dialect = dialect(p, db);
                pool(p + ".pool", db.pool());
                replicas(p, db, dialect);
                if (dialect != null) out.put(name, new Database(name, db, dialect));
            });
            return out;
        }

        private SQLDialect dialect(String p, DatabaseConfig db) {
            if (db.dialect() != null) {
                return switch (db.dialect().trim().toLowerCase(Locale.ROOT)) {
                    case "postgres", "postgresql" -> SQLDialect.POSTGRES;
                    case "mysql" -> SQLDialect.MYSQL;
                    case "mariadb" -> SQLDialect.MARIADB;
                    case "h2" -> SQLDialect.H2;
                    default -> {
                        problems.add(p + ".dialect: unknown dialect '" + db.dialect() + "' — use postgres, mysql, mariadb or h2");
                        yield null;
                    }
                };
            }
            String url = db.url().toLowerCase(Locale.ROOT);
            if (url.startsWith("jdbc:postgresql:")) return SQLDialect.POSTGRES;
            if (url.startsWith("jdbc:mysql:")) return SQLDialect.MYSQL;
            if (url.startsWith("jdbc:mariadb:")) return SQLDialect.MARIADB;
            if (url.startsWith("jdbc:h2:")) return SQLDialect.H2;
            problems.add(p + ".url: cannot infer the dialect from '" + JdbcUrls.redact(db.url())
                    + "' — use a jdbc:postgresql:, jdbc:mysql:, jdbc:mariadb: or jdbc:h2: URL, or set dialect");
            return null;
        }

        private void replicas(String p, DatabaseConfig db, SQLDialect dialect) {
            for (int i = 0; i < db.replicas().size(); i++) {
                ClusterConfig.ReplicaConfig r = db.replicas().get(i);
                String rp = p + ".replicas[" + i + "]";
                if (r == null || r.url() == null || r.url().isBlank()) {
                    problems.add(rp + ".url: missing — set the replica's JDBC URL");
                    continue;
                }
                pool(rp + ".pool", r.pool());
                SQLDialect replicaDialect = dialect(rp, new DatabaseConfig(r.url(), null, null, db.dialect(), null));
                if (dialect != null && replicaDialect != null && replicaDialect != dialect) {
                    problems.add(rp + ".url: a " + replicaDialect + " replica of a " + dialect
                            + " database — a replica must run the same database as its primary");
                }
                if (r.url().equals(db.url())) {
                    problems.add(rp + ".url: the same URL as the primary — reads would not be offloaded; remove the replica");
                }
            }
        }

        /** Checked here so a bad section fails at start-up like every other; only shard-migrate reads it. */
        private void migrations() {
            ClusterConfig.MigrationsConfig m = config.migrations();
            if (m == null) return;
            for (int i = 0; i < m.locations().size(); i++) {
                if (m.locations().get(i).isBlank()) {
                    problems.add("migrations.locations[" + i + "]: empty — write a Flyway location, e.g. filesystem:db/migration");
                }
            }
        }

        private ReadPolicy reads() {
            ClusterConfig.ReadsConfig r = config.reads();
            if (r == null) return ReadPolicy.DEFAULT;
            ReadPolicy d = ReadPolicy.DEFAULT;
            return new ReadPolicy(
                    millis("reads.maxReplicaLagMs", r.maxReplicaLagMs(), d.maxReplicaLag()),
                    millis("reads.lagCheckIntervalMs", r.lagCheckIntervalMs(), d.lagCheckInterval()),
                    millis("reads.retryFailedReplicaAfterMs", r.retryFailedReplicaAfterMs(), d.retryFailedReplicaAfter()),
                    millis("reads.stickyAfterWriteMs", r.stickyAfterWriteMs(), d.stickyAfterWrite()));
        }

        private java.time.Duration millis(String p, Long value, java.time.Duration fallback) {
            if (value == null) return fallback;
            if (value < 0) {
                problems.add(p + ": must not be negative, was " + value + " — omit it for the default of "
                        + fallback.toMillis() + " ms");
                return fallback;
            }
            return java.time.Duration.ofMillis(value);
        }

        private void pool(String p, PoolConfig pool) {
            if (pool == null) return;
            if (pool.maximumPoolSize() != null && pool.maximumPoolSize() < 1) {
                problems.add(p + ".maximumPoolSize: must be at least 1, was " + pool.maximumPoolSize());
            }
            if (pool.minimumIdle() != null && pool.minimumIdle() < 0) {
                problems.add(p + ".minimumIdle: must not be negative, was " + pool.minimumIdle());
            }
            if (pool.minimumIdle() != null && pool.maximumPoolSize() != null && pool.minimumIdle() > pool.maximumPoolSize()) {
                problems.add(p + ".minimumIdle: " + pool.minimumIdle() + " exceeds maximumPoolSize " + pool.maximumPoolSize()
                        + " — lower minimumIdle or raise maximumPoolSize");
            }
            if (pool.connectionTimeoutMs() != null && pool.connectionTimeoutMs() < 250) {
                problems.add(p + ".connectionTimeoutMs: must be at least 250 (HikariCP's minimum), was " + pool.connectionTimeoutMs());
            }
        }

        private Map<ShardId, Placement> placements(Map<String, Database> databases) {
            Map<ShardId, Placement> out = new LinkedHashMap<>();
            Map<String, ShardId> locations = new HashMap<>(); // database/schema → the shard already there
            if (config.shards().isEmpty()) {
                problems.add("shards: none declared — declare at least one, e.g. - { id: s0, database: db0 }");
            }
            for (int i = 0; i < config.shards().size(); i++) {
                ShardConfig s = config.shards().get(i);
                String p = "shards[" + i + "]";
                if (s == null || s.id() == null || s.id().isBlank()) {
                    problems.add(p + ".id: missing — every shard needs an id, e.g. s0");
                    continue;
                }
                ShardId id;
                try {
                    id = ShardId.of(s.id());
                } catch (ShardException e) {
                    problems.add(p + ".id: " + e.getMessage());
                    continue;
                }
                if (out.containsKey(id)) {
                    problems.add(p + ".id: duplicate shard id '" + id + "' — each logical shard needs its own id");
                    continue;
                }
                if (s.database() == null) {
                    problems.add(p + ".database: missing — name one of the databases: " + config.databases().keySet());
                    continue;
                }
                if (!config.databases().containsKey(s.database())) {
                    problems.add(p + ".database: unknown database '" + s.database() + "' — declared databases: "
                            + config.databases().keySet());
                    continue;
                }
                if (s.weight() != null && s.weight() <= 0) {
                    problems.add(p + ".weight: must be positive, was " + s.weight() + " — omit it for the default weight 1");
                }
                if (s.schema() != null && s.schema().isBlank()) {
                    problems.add(p + ".schema: blank — omit it or name a schema");
                }
                String location = s.database() + "/" + (s.schema() == null ? "" : s.schema().toLowerCase(Locale.ROOT));
                ShardId other = locations.putIfAbsent(location, id);
                if (other != null) {
                    problems.add(p + ": shards '" + other + "' and '" + id + "' are both on database '" + s.database()
                            + "'" + (s.schema() == null ? " with no schema" : " in schema '" + s.schema() + "'")
                            + " — their rows would mix; give each a schema of its own");
                }
                out.put(id, new Placement(id, s.database(), s.schema()));
            }
            return out;
        }

        private ShardKeyType keyType() {
            if (config.keyType() == null) return null;
            try {
                return ShardKeyType.parse(config.keyType());
            } catch (IllegalArgumentException e) {
                problems.add("keyType: " + e.getMessage());
                return null;
            }
        }

        private ShardStrategy strategy(List<ShardId> shards, ShardKeyType keyType) {
            StrategyConfig s = config.strategy();
            if (s == null || s.type() == null) {
                problems.add("strategy.type: missing — choose one of " + STRATEGIES);
                return null;
            }
            String type = s.type().trim().toLowerCase(Locale.ROOT);
            if (!STRATEGIES.contains(type)) {
                problems.add("strategy.type: unknown strategy '" + s.type() + "' — use one of " + STRATEGIES);
                return null;
            }
            if (s.virtualNodes() != null && !type.equals("consistent-hash")) {
                problems.add("strategy.virtualNodes: only consistent-hash has virtual nodes, not " + type + " — remove it");
            }
            if (s.ranges() != null && !type.equals("range")) {
                problems.add("strategy.ranges: only the range strategy takes ranges, not " + type
                        + " — remove them or set type: range");
            }
            // Checked here, before any early return, so that it is reported with every other problem.
            if (!type.equals("consistent-hash")) {
                for (int i = 0; i < config.shards().size(); i++) {
                    ShardConfig sc = config.shards().get(i);
                    if (sc != null && sc.weight() != null) {
                        problems.add("shards[" + i + "].weight: only consistent-hash supports weights, not " + type
                                + " — remove it or use consistent-hash");
                    }
                }
            }
            if (type.equals("range")) {
                return range(s, keyType);
            }
            if (type.equals("embedded-id")) {
                return embedded(s, keyType, shards);
            }
            if (s.virtualNodes() != null && s.virtualNodes() <= 0) {
                problems.add("strategy.virtualNodes: must be positive, was " + s.virtualNodes()
                        + " — omit it for the default " + ConsistentHashRing.DEFAULT_VIRTUAL_NODES);
            }
            KeyHash hash = KeyHash.MURMUR3;
            if (s.hash() != null) {
                try {
                    hash = KeyHash.byName(s.hash());
                } catch (IllegalArgumentException e) {
                    problems.add("strategy.hash: " + e.getMessage());
                }
            }
            if (keyType == ShardKeyType.INSTANT) {
                problems.add("keyType: instant keys can only be routed by the range strategy, not " + type
                        + " — use type: range or another keyType");
            }
            if (shards.isEmpty() || !problems.isEmpty()) return null;
            Map<ShardId, Integer> weights = new HashMap<>();
            for (ShardConfig sc : config.shards()) {
                if (sc.weight() != null) weights.put(ShardId.of(sc.id()), sc.weight());
            }
            try {
                return switch (type) {
                    case "modulo" -> new ModuloStrategy(hash, shards);
                    case "jump" -> new JumpHashStrategy(hash, shards);
                    default -> new ConsistentHashRing(hash, shards, weights,
                            s.virtualNodes() == null ? ConsistentHashRing.DEFAULT_VIRTUAL_NODES : s.virtualNodes());
                };
            } catch (ShardException e) {
                problems.add("strategy: " + e.getMessage());
                return null;
            }
        }

        private ShardStrategy range(StrategyConfig s, ShardKeyType keyType) {
            if (s.hash() != null) {
                problems.add("strategy.hash: the range strategy routes by the key itself and takes no hash — remove it");
            }
            if (keyType == null) {
                if (config.keyType() == null) { // an unknown keyType is already reported
                    problems.add("keyType: required by the range strategy — set long, string or instant");
                }
                return null;
            }
            if (keyType != ShardKeyType.LONG && keyType != ShardKeyType.STRING && keyType != ShardKeyType.INSTANT) {
                problems.add("keyType: the range strategy needs ordered keys — long, string or instant, not "
                        + keyType.configName() + " — change keyType or use a hashing strategy");
                return null;
            }
            if (s.ranges() == null || s.ranges().isEmpty()) {
                problems.add("strategy.ranges: missing — declare ranges like - { shard: s0, from: 0, to: 1000 }");
                return null;
            }
            List<RangeStrategy.Range> ranges = new ArrayList<>();
            for (int i = 0; i < s.ranges().size(); i++) {
                RangeConfig r = s.ranges().get(i);
                String p = "strategy.ranges[" + i + "]";
                if (r.shard() == null || config.shards().stream().noneMatch(sc -> r.shard().equals(sc.id()))) {
                    problems.add(p + ".shard: " + (r.shard() == null ? "missing" : "unknown shard '" + r.shard() + "'")
                            + " — declared shards: " + shardIds());
                    continue;
                }
                RangeStrategy.Bound from = bound(p + ".from", r.from(), keyType);
                RangeStrategy.Bound to = bound(p + ".to", r.to(), keyType);
                if (from != null && to != null) ranges.add(new RangeStrategy.Range(ShardId.of(r.shard()), from, to));
            }
            if (!problems.isEmpty()) return null;
            try {
                RangeStrategy strategy = new RangeStrategy(keyType, ranges);
                for (ShardConfig sc : config.shards()) {
                    if (!strategy.shards().contains(ShardId.of(sc.id()))) {
                        warnings.add("shards: '" + sc.id() + "' has no range, so no key reaches it except through pins");
                    }
                }
                return strategy;
            } catch (ShardException e) {
                problems.add("strategy.ranges: " + e.getMessage());
                return null;
            }
        }

        private ShardStrategy embedded(StrategyConfig s, ShardKeyType keyType, List<ShardId> shards) {
            if (s.hash() != null) {
                problems.add("strategy.hash: the embedded-id strategy reads the shard number inside each id and takes"
                        + " no hash — remove it");
            }
            if (keyType != null && keyType != ShardKeyType.LONG) {
                problems.add("keyType: the embedded-id strategy routes long ids, not " + keyType.configName()
                        + " keys — set keyType: long or remove it");
            }
            if (shards.isEmpty() || !problems.isEmpty()) return null;
            try {
                return new EmbeddedShardStrategy(shards);
            } catch (ShardException e) { // more shards than 13 bits can number; placements already refused repeats
                problems.add("shards: " + e.getMessage());
                return null;
            }
        }

        private RangeStrategy.Bound bound(String p, String text, ShardKeyType keyType) {
            if (text == null) {
                problems.add(p + ": missing — give " + keyType.withArticle() + " value, or 'unbounded' to open the end");
                return null;
            }
            if (text.trim().equalsIgnoreCase("unbounded")) return RangeStrategy.Bound.UNBOUNDED;
            try {
                Object v = keyType.parseKey(text);
                return RangeStrategy.Bound.of((Comparable<?>) v);
            } catch (IllegalArgumentException | DateTimeParseException e) {
                problems.add(p + ": '" + text + "' is not " + keyType.withArticle() + " value — write "
                        + example(keyType) + ", or 'unbounded'");
                return null;
            }
        }

        private DirectoryPins pins(Map<ShardId, Placement> placements, ShardKeyType keyType) {
            if (config.pins().isEmpty()) return DirectoryPins.none();
            if (keyType == null) {
                if (config.keyType() != null) return DirectoryPins.none(); // an unknown keyType is already reported
                problems.add("keyType: required when pins are declared, so that pin keys are read as the type the "
                        + "service routes by (e.g. long 42 vs string \"42\") — set long, string, uuid or bytes");
                return DirectoryPins.none();
            }
            Map<Object, ShardId> pins = new LinkedHashMap<>();
            config.pins().forEach((key, shard) -> {
                String p = "pins." + key;
                ShardId target = shard == null ? null : placements.keySet().stream()
                        .filter(id -> id.value().equals(shard)).findFirst().orElse(null);
                if (target == null) {
                    problems.add(p + ": pinned to unknown shard '" + shard + "' — declared shards: " + shardIds());
                    return;
                }
                Object parsed;
                try {
                    parsed = keyType.parseKey(key);
                } catch (RuntimeException e) {
                    problems.add(p + ": '" + key + "' is not " + keyType.withArticle() + " key (keyType) — write "
                            + example(keyType) + ", or change keyType");
                    return;
                }
                ShardId earlier = pins.put(parsed, target);
                if (earlier != null && !earlier.equals(target)) {
                    problems.add(p + ": the same " + keyType.configName() + " key as an earlier pin to '" + earlier
                            + "' — keep one pin for it");
                }
            });
            try {
                return DirectoryPins.of(pins);
            } catch (ShardException e) { // two spellings of one key ("42" and "042") pinned to different shards
                problems.add("pins: " + e.getMessage());
                return DirectoryPins.none();
            }
        }

        private static String example(ShardKeyType keyType) {
            return switch (keyType) {
                case LONG -> "a whole number such as 1000";
                case STRING -> "any text";
                case UUID -> "a UUID such as 123e4567-e89b-12d3-a456-426614174000";
                case BYTES -> "hex digits such as 0a1b";
                case INSTANT -> "an ISO-8601 instant such as 2024-01-01T00:00:00Z";
            };
        }

        private List<String> shardIds() {
            return config.shards().stream().filter(Objects::nonNull).map(ShardConfig::id).distinct().toList();
        }
    }
}
