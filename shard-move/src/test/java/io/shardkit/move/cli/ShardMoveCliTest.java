package io.shardkit.move.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardkit.cluster.ShardCluster;
import io.shardkit.cluster.config.ShardsYaml;
import io.shardkit.test.EmbeddedShards;
import io.shardkit.test.Engine;
import io.shardkit.test.TestDatabase;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** shard-move driven in-process, with captured stdout and stderr, on four H2 databases: control, db0, db1, db2. */
class ShardMoveCliTest {
    /** Every database's password, set on the H2 databases themselves, so a leak of it would be a real one. */
    static final String SENTINEL = "Sentinel-Pa55word-7c1d";
    static final Map<String, String> ENV = Map.of("MOVE_PASSWORD", SENTINEL);
    private static final List<String> NAMES = List.of("control", "db0", "db1", "db2");
    private static final ObjectMapper JSON = new ObjectMapper();

    private EmbeddedShards dbs;
    private ShardCluster cluster;
    private boolean passwordsSet;

    /** What one run printed and returned. */
    record Run(int exitCode, String out, String err) {
        String all() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = ShardMoveCli.commandLine(ENV::get);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    static JsonNode json(Run run) {
        try {
            return JSON.readTree(run.out());
        } catch (IOException e) {
            throw new AssertionError("stdout is not one JSON document:\n" + run.all(), e);
        }
    }

    @AfterEach
    void close() throws SQLException {
        if (cluster != null) cluster.close();
        if (dbs == null) return;
        if (passwordsSet) {  // back to EmbeddedShards' own password, so close() can drop the databases
            for (TestDatabase db : dbs.databases()) {
                try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.username(), SENTINEL);
                     Statement s = c.createStatement()) {
                    s.execute("alter user " + db.username() + " set password '" + db.password() + "'");
                }
            }
        }
        dbs.close();
    }

    private Connection open(String name) throws SQLException {
        TestDatabase db = dbs.database(NAMES.indexOf(name));
        return passwordsSet ? DriverManager.getConnection(db.jdbcUrl(), db.username(), SENTINEL) : db.open();
    }

    private long count(String name) throws SQLException {
        try (Connection c = open(name); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select count(*) from orders")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * The databases, {@code orders} on db0..db2 with 25 rows on db1 (s1's), every password set to the sentinel, a
     * shards.yml that reads it from ${MOVE_PASSWORD}, and one instance (app-1) started from it: version 1.
     */
    private Path cluster(Path dir) throws Exception {
        dbs = EmbeddedShards.start(Engine.H2, NAMES.size());
        for (String db : List.of("db0", "db1", "db2")) {
            try (Connection c = open(db); Statement s = c.createStatement()) {
                s.execute("create table orders (id bigint primary key, customer_id bigint not null)");
                if (db.equals("db1")) {
                    for (int i = 1; i <= 25; i++) s.execute("insert into orders values (" + i + ", " + (i * 7) + ")");
                }
            }
        }
        for (TestDatabase db : dbs.databases()) {
            try (Connection c = db.open(); Statement s = c.createStatement()) {
                s.execute("alter user " + db.username() + " set password '" + SENTINEL + "'");
            }
        }
        passwordsSet = true;
        StringBuilder yml = new StringBuilder("databases:\n");
        for (String name : NAMES) {
            TestDatabase db = dbs.database(NAMES.indexOf(name));
            yml.append("  ").append(name).append(": { url: \"").append(db.jdbcUrl()).append("\", username: ")
                    .append(db.username()).append(", password: \"${MOVE_PASSWORD}\", pool: { maximumPoolSize: 3, minimumIdle: 0 } }\n");
        }
        yml.append("shards:\n  - { id: s0, database: db0 }\n  - { id: s1, database: db1 }\n")
                .append("strategy: { type: jump }\nkeyType: long\n")
                .append("topology: { store: control, instance: app-1 }\n");
        Path file = Files.writeString(dir.resolve("shards.yml"), yml);
        cluster = ShardCluster.create(ShardsYaml.load(file, ENV::get));
        assertEquals(1, cluster.topologyVersion());
        return file;
    }

    @Test
    void movesAShardThenShowsTheJobsFinishesItAndShowsTheTopology(@TempDir Path dir) throws Exception {
        String config = cluster(dir).toString();
        List<Run> runs = new ArrayList<>();

        Run move = run("--config", config, "--output", "json", "move", "--shard", "s1", "--to", "db2",
                "--mode", "block-writes", "--batch-size", "10");
        runs.add(move);
        assertEquals(0, move.exitCode(), move.all());
        JsonNode report = json(move);
        assertEquals("move", report.get("command").asText());
        assertEquals("ok", report.get("status").asText());
        assertEquals(1, report.get("job").asLong());
        assertEquals("s1", report.get("shard").asText());
        assertEquals("db1", report.at("/from/database").asText());
        assertEquals("db2", report.at("/to/database").asText());
        assertTrue(report.at("/to/schema").isNull(), move.all());
        assertEquals("block-writes", report.get("mode").asText());
        assertEquals("SWITCHED", report.get("state").asText());
        assertEquals(1, report.get("rows").size(), move.all());
        String table = report.get("rows").fieldNames().next();
        assertTrue(table.equalsIgnoreCase("orders"), move.all());  // as the database names it (H2: ORDERS)
        assertEquals(25, report.get("rows").get(table).asLong());
        assertEquals(25, report.get("rowsTotal").asLong());
        assertEquals(25, report.at("/verify/rowsCompared").asLong());
        assertEquals(0, report.at("/verify/mismatches").asInt());
        assertTrue(report.get("pauseMs").isNumber());
        assertEquals(2, report.get("version").asLong());
        List<String> progress = move.err().lines().toList();
        assertTrue(progress.contains("job 1: PLANNED"), move.all());
        assertTrue(progress.stream().anyMatch(l -> l.startsWith("job 1: COPYING")), move.all());
        assertTrue(progress.stream().anyMatch(l -> l.startsWith("job 1: SWITCHED")), move.all());
        assertEquals(25, count("db2"));

        Run status = run("--config", config, "status");
        runs.add(status);
        assertEquals(0, status.exitCode(), status.all());
        assertTrue(status.out().startsWith("id  moves  from  to   mode          state     version  owner"), status.all());
        assertTrue(status.out().lines().anyMatch(l -> l.matches("1 +s1 +db1 +db2 +block-writes +SWITCHED +2\\b.*")), status.all());

        Run one = run("--config", config, "--output", "json", "status", "--job", "1");
        runs.add(one);
        assertEquals(0, one.exitCode(), one.all());
        assertEquals("SWITCHED", json(one).at("/job/state").asText());
        assertEquals(2, json(one).at("/job/version").asLong());

        cluster.refreshTopology();  // app-1 runs version 2: finish may remove the fence
        assertEquals(2, cluster.topologyVersion());
        Run finish = run("--config", config, "--output", "json", "finish", "--job", "1");
        runs.add(finish);
        assertEquals(0, finish.exitCode(), finish.all());
        assertTrue(json(finish).get("fenceRemoved").asBoolean(), finish.all());
        assertEquals("FINISHED", json(finish).at("/job/state").asText());
        assertEquals(0, count("db1"));

        Run show = run("--config", config, "--output", "json", "topology", "show");
        runs.add(show);
        assertEquals(0, show.exitCode(), show.all());
        JsonNode topology = json(show);
        assertEquals(2, topology.get("version").asLong());
        assertEquals("move s1 from db1 to db2 (job 1)", topology.get("reason").asText());
        assertEquals("s1", topology.at("/shards/1/id").asText());
        assertEquals("db2", topology.at("/shards/1/database").asText());
        assertEquals("db0", topology.at("/shards/0/database").asText());
        assertEquals("jump", topology.at("/strategy/type").asText());
        assertEquals("app-1", topology.at("/instances/0/instance").asText());
        assertEquals(2, topology.at("/instances/0/version").asLong());

        Run showText = run("--config", config, "topology", "show");
        runs.add(showText);
        assertEquals(0, showText.exitCode(), showText.all());
        assertTrue(showText.out().startsWith("topology version 2, published "), showText.all());
        assertTrue(showText.out().lines().anyMatch(l -> l.matches("s1 +db2")), showText.all());
        assertTrue(showText.out().lines().anyMatch(l -> l.matches("app-1 +2 +.*")), showText.all());

        Run history = run("--config", config, "--output", "json", "topology", "history");
        runs.add(history);
        assertEquals(0, history.exitCode(), history.all());
        assertEquals(2, json(history).get("versions").size());
        assertEquals(1, json(history).at("/versions/0/version").asLong());
        assertEquals("move s1 from db1 to db2 (job 1)", json(history).at("/versions/1/reason").asText());
        Run historyText = run("--config", config, "topology", "history");
        runs.add(historyText);
        assertEquals(0, historyText.exitCode(), historyText.all());
        assertTrue(historyText.out().startsWith("version  published"), historyText.all());
        assertTrue(historyText.out().lines().anyMatch(l -> l.matches("2 +\\S+ +move s1 from db1 to db2 \\(job 1\\)")),
                historyText.all());

        // Refused: an unknown shard, a finished job; nothing changed, the message on stderr, exit 1.
        Run unknown = run("--config", config, "move", "--shard", "s9", "--to", "db0");
        runs.add(unknown);
        assertEquals(1, unknown.exitCode(), unknown.all());
        assertEquals("shard-move: no logical shard 's9' in topology version 2\n", unknown.err().replace("\r", ""), unknown.all());
        assertEquals("", unknown.out());
        Run unknownJson = run("--config", config, "--output", "json", "move", "--shard", "s9", "--to", "db0");
        runs.add(unknownJson);
        assertEquals(1, unknownJson.exitCode(), unknownJson.all());
        assertEquals("error", json(unknownJson).get("status").asText());
        assertEquals(1, json(unknownJson).get("exitCode").asInt());
        Run cancel = run("--config", config, "cancel", "--job", "1");
        runs.add(cancel);
        assertEquals(1, cancel.exitCode(), cancel.all());
        assertTrue(cancel.err().startsWith("shard-move: job 1 is FINISHED — a switched move is not undone"), cancel.all());
        Run resume = run("--config", config, "resume", "--job", "1");
        runs.add(resume);
        assertEquals(1, resume.exitCode(), resume.all());
        assertTrue(resume.err().startsWith("shard-move: job 1 is FINISHED — nothing to resume"), resume.all());
        Run noJob = run("--config", config, "status", "--job", "42");
        runs.add(noJob);
        assertEquals(1, noJob.exitCode(), noJob.all());
        assertTrue(noJob.err().startsWith("shard-move: no move job 42"), noJob.all());

        for (Run r : runs) {
            assertFalse(r.all().contains(SENTINEL), "the password leaked:\n" + r.all());
        }
    }

    @Test
    void plansStartsAndCutsOverAMoveThenMovesATenant(@TempDir Path dir) throws Exception {
        String config = cluster(dir).toString();
        Run plan = run("--config", config, "plan", "--shard", "s1", "--to", "db2");
        assertEquals(0, plan.exitCode(), plan.all());
        assertTrue(plan.out().lines().anyMatch(l -> l.matches("rows +25 \\(ORDERS 25\\)")), plan.all());
        assertTrue(plan.out().contains("block-writes: writes to shard s1 are refused from the fence closing until the copy"
                + " of 25 rows is verified"), plan.all());
        assertEquals(List.of(), jobsIn(config), "plan made no job");

        Run start = run("--config", config, "--output", "json", "start", "--shard", "s1", "--to", "db2");
        assertEquals(0, start.exitCode(), start.all());
        assertEquals("COPYING", json(start).at("/job/state").asText(), "block-writes: the fence is installed, still open");
        assertEquals(0, count("db2"), "nothing copied before the cutover");
        long tenant = 1_000;
        while (!cluster.shardFor(tenant).equals(io.shardkit.router.ShardId.of("s1"))) tenant++;
        try (Connection c = open("db1"); Statement s = c.createStatement()) {
            s.execute("insert into orders values (26, " + tenant + ")"); // the fence is open: writes go on
        }
        Run verify = run("--config", config, "verify", "--job", "1");
        assertEquals(1, verify.exitCode(), verify.all());
        assertTrue(verify.err().contains("moves in block-writes mode: its copy is verified as part of its cutover"), verify.all());

        Run cutover = run("--config", config, "--output", "json", "cutover", "--job", "1");
        assertEquals(0, cutover.exitCode(), cutover.all());
        assertEquals("SWITCHED", json(cutover).get("state").asText());
        assertEquals(26, json(cutover).get("rowsTotal").asLong());
        assertEquals(26, count("db2"));

        cluster.refreshTopology();
        Run busy = run("--config", config, "move", "--tenant", Long.toString(tenant), "--key-column", "customer_id", "--to", "s0");
        assertEquals(1, busy.exitCode(), busy.all());
        assertTrue(busy.err().contains("job 1 is moving shard s1 (SWITCHED) — finish it first"), busy.all());
        assertEquals(0, run("--config", config, "finish", "--job", "1").exitCode());
        Run moveTenant = run("--config", config, "--output", "json", "move", "--tenant", Long.toString(tenant), "--key-column",
                "customer_id", "--to", "s0");
        assertEquals(0, moveTenant.exitCode(), moveTenant.all());
        JsonNode moved = json(moveTenant);
        assertEquals(Long.toString(tenant), moved.get("tenant").asText());
        assertEquals("s1", moved.get("shard").asText());
        assertEquals("s0", moved.get("toShard").asText());
        assertEquals(1, moved.get("rowsTotal").asLong());
        assertEquals(3, moved.get("version").asLong());
        assertTrue(moveTenant.err().contains("tenant " + tenant + " of s1 moved from db2 to db0"), moveTenant.all());
        assertEquals(1, count("db0"));
        Run status = run("--config", config, "status");
        long t = tenant;
        assertTrue(status.out().lines().anyMatch(l -> l.matches("2 +tenant " + t + " \\(customer_id\\) s1 -> s0 +db2 +db0 .*SWITCHED.*")),
                status.all());

        for (String[] args : List.of(new String[] {"move", "--shard", "s1", "--tenant", "3", "--to", "db2"},
                new String[] {"move", "--tenant", "3", "--to", "s0"}, new String[] {"plan", "--to", "s0"},
                new String[] {"start", "--shard", "s0", "--key-column", "c", "--to", "db2"})) {
            String[] full = new String[args.length + 2];
            full[0] = "--config";
            full[1] = config;
            System.arraycopy(args, 0, full, 2, args.length);
            Run bad = run(full);
            assertEquals(2, bad.exitCode(), bad.all());
            assertTrue(bad.err().contains("Usage: shard-move " + args[0]), bad.all());
        }
    }

    private List<String> jobsIn(String config) {
        Run status = run("--config", config, "--output", "json", "status");
        List<String> ids = new ArrayList<>();
        json(status).get("jobs").forEach(j -> ids.add(j.get("id").asText()));
        return ids;
    }

    @Test
    void badUsageExits2WithTheUsageAndAConfigurationWithoutTopologyIsRefused(@TempDir Path dir) throws IOException {
        Run none = run();
        assertEquals(2, none.exitCode());
        assertTrue(none.err().startsWith("shard-move: missing a command — one of plan, move, start, cutover, verify, resume,"
                + " cancel, finish, status, topology, import\nMoves logical shards"), none.all());
        assertTrue(none.err().contains("Usage: shard-move "), none.all());

        Run unknownCommand = run("--config", "x.yml", "frobnicate");
        assertEquals(2, unknownCommand.exitCode());
        assertTrue(unknownCommand.err().startsWith("Unmatched argument at index 2: 'frobnicate'"), unknownCommand.all());
        assertTrue(unknownCommand.err().contains("Usage: shard-move "), unknownCommand.all());

        Run noShard = run("--config", "x.yml", "move", "--to", "db2");
        assertEquals(2, noShard.exitCode());
        assertTrue(noShard.err().startsWith("name what moves: --shard ID or --tenant KEY (one of them)"), noShard.all());
        assertTrue(noShard.err().contains("Usage: shard-move move "), noShard.all());

        Run badJob = run("--config", "x.yml", "finish", "--job", "seven");
        assertEquals(2, badJob.exitCode());
        assertTrue(badJob.err().startsWith("Invalid value for option '--job': 'seven' is not a long"), badJob.all());
        assertTrue(badJob.err().contains("Usage: shard-move finish "), badJob.all());

        Run badMode = run("--config", "x.yml", "move", "--shard", "s1", "--to", "db2", "--mode", "fast");
        assertEquals(2, badMode.exitCode());
        assertTrue(badMode.err().startsWith("Invalid value for option '--mode': 'fast' is not online or block-writes"),
                badMode.all());

        Run badBatch = run("--config", "x.yml", "move", "--shard", "s1", "--to", "db2", "--batch-size", "0");
        assertEquals(2, badBatch.exitCode());
        assertTrue(badBatch.err().startsWith("Invalid value for option '--batch-size': 0 is not between 1 and 100000"),
                badBatch.all());

        Run noConfig = run("status");
        assertEquals(2, noConfig.exitCode());
        assertTrue(noConfig.err().startsWith("Missing required option: '--config=FILE'"), noConfig.all());

        Run noSub = run("--config", "x.yml", "topology");
        assertEquals(2, noSub.exitCode());
        assertTrue(noSub.err().startsWith("shard-move topology: missing a command — one of show, history"), noSub.all());

        Run missingFile = run("--config", dir.resolve("missing.yml").toString(), "status");
        assertEquals(2, missingFile.exitCode());
        assertTrue(missingFile.err().startsWith("shard-move: "), missingFile.all());
        assertTrue(missingFile.err().contains("missing.yml: no such file"), missingFile.all());

        Path noTopology = Files.writeString(dir.resolve("static.yml"), """
                databases:
                  db0: { url: "jdbc:h2:mem:never_opened", username: sa, password: "${MOVE_PASSWORD}" }
                shards:
                  - { id: s0, database: db0 }
                strategy: { type: jump }
                """);
        Run refused = run("--config", noTopology.toString(), "status");
        assertEquals(1, refused.exitCode(), refused.all());
        assertTrue(refused.err().startsWith("shard-move: this configuration has no topology store"), refused.all());
        assertFalse(refused.all().contains(SENTINEL), refused.all());

        Run help = run("--help");
        assertEquals(0, help.exitCode());
        assertTrue(help.out().contains("Usage: shard-move "), help.all());
        assertTrue(help.out().contains("Exit codes:"), help.all());
        assertTrue(help.out().contains("topology"), help.all());
    }
}
