package io.shardkit.bench;

import io.shardkit.cluster.Shard;
import io.shardkit.cluster.ShardCluster;
import io.shardkit.cluster.ShardClusterBuilder;
import io.shardkit.cluster.config.ClusterConfig.DatabaseConfig;
import io.shardkit.cluster.config.ClusterConfig.PoolConfig;
import io.shardkit.migrate.FleetReport;
import io.shardkit.migrate.ShardMigrator;
import io.shardkit.test.EmbeddedShards;
import io.shardkit.test.Engine;
import io.shardkit.test.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Migrating 64 shard databases by 20 migrations each, on one embedded PostgreSQL server: the loop services write by
 * hand (a new Flyway per DataSource, one after the other) against {@link ShardMigrator} at concurrency 1 and 4.
 * Every iteration starts from empty databases (each {@code public} schema dropped and recreated before it, untimed),
 * and checks that all 1,280 migrations ran. Both sides use the same cluster, so the same warm connection pools.
 *
 * <p>JMH runs the three runners one after another, so on a shared machine a change of load between them biases the
 * comparison. {@link #main} is a control for that: it runs the three in turn, round after round, in one JVM
 * ({@code java -cp benchmarks/target/benchmarks.jar io.shardkit.bench.MigrateBenchmark 64 5}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = {"-Dorg.jooq.no-logo=true", "-Dorg.jooq.no-tips=true",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class MigrateBenchmark {
    static final int DATABASES = 64;
    static final int MIGRATIONS = 20;
    static final String LOCATION = "classpath:db/bench";

    /** {@code naive}: a new Flyway per DataSource, sequential. {@code migrator-N}: ShardMigrator at concurrency N. */
    @Param({"naive", "migrator-1", "migrator-4"})
    public String runner;

    private EmbeddedShards databases;
    private ShardCluster cluster;

    @Setup(Level.Trial)
    public void start() {
        databases = EmbeddedShards.start(Engine.POSTGRES, DATABASES);
        cluster = cluster(databases);
    }

    @Setup(Level.Iteration)
    public void emptyEveryDatabase() throws SQLException {
        empty(cluster);
    }

    @Benchmark
    public int migrate() {
        return run(runner, cluster);
    }

    @TearDown(Level.Trial)
    public void stop() {
        cluster.close();
        databases.close();
    }

    static ShardCluster cluster(EmbeddedShards databases) {
        ShardClusterBuilder b = ShardCluster.builder();
        for (int i = 0; i < databases.databases().size(); i++) {
            TestDatabase db = databases.database(i);
            // 3 connections each: Flyway holds 2 on PostgreSQL; 64 x 3 stays under the test server's 300.
            b.database("db" + i, new DatabaseConfig(db.jdbcUrl(), db.username(), db.password(), null,
                    new PoolConfig(3, 3, 30_000L, null, null)));
            b.shard("s" + i, "db" + i);
        }
        return b.jump().build();
    }

    static void empty(ShardCluster cluster) throws SQLException {
        for (Shard shard : cluster.shards()) {
            try (Connection c = shard.dataSource().getConnection(); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA public CASCADE");
                s.execute("CREATE SCHEMA public");
            }
        }
    }

    /** Migrates every shard of {@code cluster} with {@code runner}; checks that every migration ran. */
    static int run(String runner, ShardCluster cluster) {
        int applied = switch (runner) {
            case "naive" -> naive(cluster);
            case "migrator-1" -> migrator(cluster, 1);
            case "migrator-4" -> migrator(cluster, 4);
            default -> throw new IllegalArgumentException("unknown runner " + runner);
        };
        int expected = cluster.shards().size() * MIGRATIONS;
        if (applied != expected) {
            throw new IllegalStateException(runner + " applied " + applied + " migrations, not " + expected);
        }
        return applied;
    }

    /** What a service does without ShardMigrator. */
    private static int naive(ShardCluster cluster) {
        int applied = 0;
        for (Shard shard : cluster.shards()) {
            applied += Flyway.configure().dataSource(shard.dataSource()).locations(LOCATION).load().migrate().migrationsExecuted;
        }
        return applied;
    }

    private static int migrator(ShardCluster cluster, int concurrency) {
        FleetReport report = ShardMigrator.configure().cluster(cluster).locations(LOCATION).concurrency(concurrency)
                .load().migrate().orThrow();
        return report.summary().migrationsApplied();
    }

    /**
     * The control run: {@code args[0]} databases (default 64), {@code args[1]} rounds (default 5); each round runs
     * the three runners in turn on emptied databases and prints their times.
     */
    public static void main(String[] args) throws SQLException {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : DATABASES;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        System.setProperty("org.jooq.no-logo", "true");
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");  // as in the JMH forks
        try (EmbeddedShards dbs = EmbeddedShards.start(Engine.POSTGRES, count); ShardCluster cluster = cluster(dbs)) {
            System.out.printf("%d databases x %d migrations, %d rounds of naive, migrator-1, migrator-4 in turn (ms)%n",
                    count, MIGRATIONS, rounds);
            for (int round = 1; round <= rounds; round++) {
                StringBuilder line = new StringBuilder("round " + round + ":");
                for (String runner : new String[] {"naive", "migrator-1", "migrator-4"}) {
                    empty(cluster);
                    long started = System.nanoTime();
                    run(runner, cluster);
                    line.append(String.format("  %s %6d", runner, (System.nanoTime() - started) / 1_000_000));
                }
                System.out.println(line);
            }
        }
    }
}
