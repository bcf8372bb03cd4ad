package io.shardkit.move;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkit.cluster.ShardCluster;
import io.shardkit.cluster.config.ShardsYaml;
import io.shardkit.router.ShardId;
import io.shardkit.test.EmbeddedShards;
import io.shardkit.test.Engine;
import io.shardkit.test.TestDatabase;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A mover process killed with SIGKILL in each state of an online move on PostgreSQL; another mover then resumes or
 * cancels the job, and nothing is left behind: no slot, publication, subscription or trigger, no fence closed.
 */
class MoverKillTest {
    private static final List<String> NAMES = List.of("control", "db0", "db1", "db2");
    private static EmbeddedShards dbs;

    @BeforeAll
    static void start() {
        dbs = EmbeddedShards.start(Engine.POSTGRES, NAMES.size());
    }

    @AfterAll
    static void stop() {
        if (dbs != null) dbs.close();
    }

    @ParameterizedTest(name = "killed at {0}, then {1}")
    @CsvSource({"COPYING, cancel", "CATCHING_UP, resume", "VERIFIED, cancel", "CUTTING_OVER, resume"})
    void aKilledMoverLeavesAJobAnotherFinishesOrUndoes(MoveJob.State at, String then, @TempDir Path dir) throws Exception {
        for (String db : NAMES) exec(db, "drop table if exists orders", "drop table if exists shardkit_fence",
                "drop table if exists shardkit_topology", "drop table if exists shardkit_instances",
                "drop table if exists shardkit_move_jobs");
        for (String db : List.of("db0", "db1", "db2")) exec(db, "create table orders (id bigint primary key, customer_id bigint not null)");
        Path yaml = dir.resolve("shards.yml");
        StringBuilder y = new StringBuilder("databases:\n");
        for (String db : NAMES) {
            TestDatabase d = dbs.database(NAMES.indexOf(db));
            y.append("  ").append(db).append(": { url: \"").append(d.jdbcUrl()).append("\", username: ").append(d.username())
                    .append(", password: \"").append(d.password()).append("\" }\n");
        }
        y.append("shards:\n  - { id: s0, database: db0 }\n  - { id: s1, database: db1 }\nstrategy: { type: jump }\n")
                .append("topology: { store: control, instance: app }\n");
        Files.writeString(yaml, y);
        try (ShardCluster app = ShardCluster.create(ShardsYaml.load(yaml))) {
            long customer = 0;
            while (!app.shardFor(customer).equals(ShardId.of("s1"))) customer++;
            for (long id = 1; id <= 200; id++) {
                app.dsl(customer).insertInto(DSL.table("orders")).columns(DSL.field("id"), DSL.field("customer_id"))
                        .values(id, customer).execute();
            }
            Process mover = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                    System.getProperty("java.class.path"), DyingMover.class.getName(), yaml.toString(), "s1", "db2",
                    "ONLINE", at.name()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            long job;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(mover.getInputStream()))) {
                String line;
                do {
                    line = out.readLine();
                } while (line != null && !line.startsWith("AT "));
                if (line == null) throw new AssertionError("the mover ended (exit " + mover.waitFor() + ") before " + at);
                job = Long.parseLong(line.substring(line.lastIndexOf(' ') + 1));
            }
            mover.destroyForcibly(); // SIGKILL
            assertTrue(mover.waitFor(30, TimeUnit.SECONDS));
            Thread.sleep(1_200); // its lease (1 s) expires

            try (ShardMover other = ShardMover.configure(ShardsYaml.load(yaml)).owner("rescuer").load()) {
                assertEquals(at, other.job(job).state());
                if (then.equals("cancel")) {
                    assertEquals(MoveJob.State.CANCELLED, other.cancel(job).state());
                    assertEquals(200, count("db1", "select count(*) from orders"));
                    assertEquals(0, count("db2", "select count(*) from orders"));
                } else {
                    other.resume(job);
                    other.finish(job);
                    assertEquals(MoveJob.State.FINISHED, other.job(job).state());
                    assertEquals(0, count("db1", "select count(*) from orders"));
                    assertEquals(200, count("db2", "select count(*) from orders"));
                }
            }
            app.refreshTopology();
            app.dsl(customer).insertInto(DSL.table("orders")).columns(DSL.field("id"), DSL.field("customer_id"))
                    .values(201L, customer).execute(); // no fence stands in the way at the shard's place
        }
        assertEquals(0, count("db1", "select count(*) from pg_replication_slots where database = current_database()"));
        assertEquals(0, count("db1", "select count(*) from pg_publication"));
        assertEquals(0, count("db2", "select count(*) from pg_subscription"));
        assertEquals(0, count("db1", "select count(*) from pg_trigger where tgname like 'shardkit_fence%'"));
    }

    private static void exec(String db, String... sql) throws Exception {
        try (Connection c = dbs.database(NAMES.indexOf(db)).open(); Statement s = c.createStatement()) {
            for (String q : sql) s.execute(q);
        }
    }

    private static long count(String db, String sql) throws Exception {
        try (Connection c = dbs.database(NAMES.indexOf(db)).open(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
