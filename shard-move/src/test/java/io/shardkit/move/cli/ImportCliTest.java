package io.shardkit.move.cli;

import static io.shardkit.move.cli.ShardMoveCliTest.json;
import static io.shardkit.move.cli.ShardMoveCliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.shardkit.cluster.ShardCluster;
import io.shardkit.cluster.config.ShardsYaml;
import io.shardkit.move.cli.ShardMoveCliTest.Run;
import io.shardkit.test.EmbeddedShards;
import io.shardkit.test.Engine;
import io.shardkit.test.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code shard-move import} in-process on H2: a legacy database imported into two shards, then its jobs listed. */
class ImportCliTest {
    private static final List<String> NAMES = List.of("control", "legacy", "db0", "db1");
    private EmbeddedShards dbs;
    private ShardCluster cluster;

    @AfterEach
    void close() {
        if (cluster != null) cluster.close();
        if (dbs != null) dbs.close();
    }

    private Path cluster(Path dir) throws Exception {
        dbs = EmbeddedShards.start(Engine.H2, NAMES.size());
        for (String db : List.of("legacy", "db0", "db1")) {
            exec(db, "create table accounts (customer_id bigint not null, id bigint not null, balance decimal(10,2),"
                    + " primary key (customer_id, id))");
        }
        for (int i = 1; i <= 40; i++) exec("legacy", "insert into accounts values (" + (i * 31) + ", " + i + ", " + i + ".25)");
        StringBuilder yml = new StringBuilder("databases:\n");
        for (String name : NAMES) {
            TestDatabase db = dbs.database(NAMES.indexOf(name));
            yml.append("  ").append(name).append(": { url: \"").append(db.jdbcUrl()).append("\", username: ")
                    .append(db.username()).append(", password: \"").append(db.password()).append("\" }\n");
        }
        yml.append("shards:\n  - { id: s0, database: db0 }\n  - { id: s1, database: db1 }\nstrategy: { type: jump }\n")
                .append("keyType: long\ntopology: { store: control, instance: app-1 }\n");
        Path file = Files.writeString(dir.resolve("shards.yml"), yml);
        cluster = ShardCluster.create(ShardsYaml.load(file));
        return file;
    }

    @Test
    void importsALegacyDatabaseWithJsonOutputThenListsTheJob(@TempDir Path dir) throws Exception {
        String config = cluster(dir).toString();
        Run imported = run("--config", config, "--output", "json", "import", "--from", "legacy", "--key-column",
                "customer_id", "--batch-size", "7");
        assertEquals(0, imported.exitCode(), imported.all());
        JsonNode r = json(imported);
        assertEquals("import", r.get("command").asText());
        assertEquals("ok", r.get("status").asText());
        assertEquals(1, r.get("job").asLong());
        assertEquals("legacy", r.at("/from/database").asText());
        assertEquals("DONE", r.get("state").asText());
        assertEquals(40, r.get("rows").get("ACCOUNTS").asLong(), imported.all());
        assertEquals(40, r.get("rowsTotal").asLong());
        assertEquals(40, r.at("/shards/s0").asLong() + r.at("/shards/s1").asLong());
        assertTrue(r.at("/shards/s0").asLong() > 0 && r.at("/shards/s1").asLong() > 0, imported.all());
        assertTrue(r.at("/verify/clean").asBoolean());
        assertEquals(40, r.at("/verify/rowsCompared").asLong());
        assertEquals(0, r.at("/verify/shards/s1/mismatches").size());
        assertTrue(r.get("pauseMs").isNumber());
        assertTrue(r.get("source").asText().contains("closed fence"), imported.all());
        List<String> progress = imported.err().lines().toList();
        assertTrue(progress.contains("import job 1: PLANNED"), imported.all());
        assertTrue(progress.stream().anyMatch(l -> l.startsWith("import job 1: FENCED")), imported.all());
        assertTrue(progress.stream().anyMatch(l -> l.startsWith("import job 1: DONE")), imported.all());
        for (String db : List.of("db0", "db1")) {
            assertEquals(db.equals("db0") ? r.at("/shards/s0").asLong() : r.at("/shards/s1").asLong(), count(db));
        }
        for (TestDatabase db : dbs.databases()) {
            assertFalse(imported.all().contains(db.password()) && !db.password().isEmpty(), "a password was printed");
        }

        Run status = run("--config", config, "import", "--status");
        assertEquals(0, status.exitCode(), status.all());
        assertTrue(status.out().startsWith("id  from    key column   state  version  progress"), status.all());
        assertTrue(status.out().lines().anyMatch(l -> l.matches("1 +legacy +customer_id +DONE +1 +ACCOUNTS 40 rows.*")), status.all());

        Run verify = run("--config", config, "import", "--verify", "--job", "1");
        assertEquals(0, verify.exitCode(), verify.all());
        assertTrue(verify.out().contains("40 rows compared on 2 shards, 0 mismatches"), verify.all());

        Run again = run("--config", config, "--output", "json", "import", "--cancel", "--job", "1");
        assertEquals(1, again.exitCode(), again.all());
        assertTrue(json(again).get("error").asText().contains("import job 1 is DONE"), again.all());
    }

    @Test
    void aBadArgumentIsAUsageError(@TempDir Path dir) throws Exception {
        String config = cluster(dir).toString();
        Run noKey = run("--config", config, "import", "--from", "legacy");
        assertEquals(2, noKey.exitCode(), noKey.all());
        assertTrue(noKey.err().contains("an import needs --from DATABASE and --key-column COLUMN"), noKey.all());
        assertTrue(noKey.err().contains("Usage: shard-move import"), noKey.all());
        Run both = run("--config", config, "import", "--resume", "--cancel", "--job", "1");
        assertEquals(2, both.exitCode(), both.all());
        assertTrue(both.err().contains("choose one of --resume, --cancel, --verify, --status"), both.all());
        Run noJob = run("--config", config, "import", "--resume");
        assertEquals(2, noJob.exitCode(), noJob.all());
        Run batch = run("--config", config, "import", "--from", "legacy", "--key-column", "customer_id", "--batch-size", "0");
        assertEquals(2, batch.exitCode(), batch.all());
        assertEquals(0, count("db0") + count("db1"), "nothing was imported");
    }

    private void exec(String db, String sql) throws Exception {
        try (Connection c = dbs.database(NAMES.indexOf(db)).open(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private long count(String db) throws Exception {
        try (Connection c = dbs.database(NAMES.indexOf(db)).open(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select count(*) from accounts")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
