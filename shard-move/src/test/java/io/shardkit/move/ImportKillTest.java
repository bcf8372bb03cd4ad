package io.shardkit.move;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkit.test.Engine;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * An importer process killed with SIGKILL while it copies (at no chosen point: between a batch's inserts on the shards
 * as likely as anywhere); another mover resumes or cancels the job, and the shards hold every legacy row exactly once,
 * or none.
 */
class ImportKillTest {
    private ImportFixture fx;

    @AfterEach
    void close() {
        if (fx != null) fx.close();
    }

    @ParameterizedTest(name = "killed while {1} rows were copied, then {0}")
    @CsvSource({"resume, 300", "resume, 1700", "cancel, 900"})
    void aKilledImporterLeavesAJobAnotherFinishesOrUndoes(String then, long killAfter, @TempDir Path dir) throws Exception {
        fx = new ImportFixture(Engine.POSTGRES).tables();
        fx.seed(400); // 400 customers, 1,200 orders, 800 events: 2,400 rows in batches of 20
        fx.instance("app");
        Path yaml = fx.yaml(dir);
        Process importer = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), DyingImporter.class.getName(), yaml.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        long job;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(importer.getInputStream()))) {
            String line;
            do {
                line = out.readLine();
            } while (line != null && !line.startsWith("JOB "));
            if (line == null) throw new AssertionError("the importer ended (exit " + importer.waitFor() + ") before FENCED");
            job = Long.parseLong(line.substring(4).trim());
            long copied = 0;
            while (copied < killAfter) { // the rows recorded so far, over every table
                Thread.sleep(5);
                copied = progress(job);
            }
        }
        importer.destroyForcibly(); // SIGKILL
        assertTrue(importer.waitFor(30, TimeUnit.SECONDS));
        Thread.sleep(1_200); // its lease (1 s) expires

        try (ShardMover other = ShardMover.configure(fx.config("rescuer")).owner("rescuer").load()) {
            assertEquals(ImportJob.State.COPYING, other.imports().job(job).state());
            if (then.equals("resume")) {
                ImportReport r = other.imports().resume(job);
                assertTrue(r.clean(), r.verify().toString());
                assertEquals(2_400, r.rows());
                for (String table : ImportFixture.TABLES) {
                    assertEquals(sorted(fx.rows("legacy", table)), sorted(fx.shardRows(table)), table + ": every row once");
                }
                assertTrue(fx.count("legacy", "select count(*) from pg_trigger where tgname like 'shardkit_fence%'") > 0,
                        "the legacy database stays fenced");
            } else {
                assertEquals(ImportJob.State.CANCELLED, other.imports().cancel(job).state());
                for (String table : ImportFixture.TABLES) assertEquals(List.of(), fx.shardRows(table), table);
                fx.exec("legacy", "insert into events values (-1, 1, 'x', 'y')"); // writable again
                assertEquals(0, fx.count("legacy", "select count(*) from pg_trigger where tgname like 'shardkit_fence%'"));
            }
        }
    }

    /** Rows the job has recorded as copied: every table before the one in progress, and that one's progress. */
    private long progress(long job) throws Exception {
        var j = fx.count("control", "select count(*) from shardkit_import_jobs where id = " + job + " and state = 'COPYING'");
        if (j == 0) return 0;
        long done = 0;
        String table;
        long rows;
        try (var c = fx.open("control"); var s = c.createStatement();
             var rs = s.executeQuery("select progress_table, progress_rows from shardkit_import_jobs where id = " + job)) {
            rs.next();
            table = rs.getString(1);
            rows = rs.getLong(2);
        }
        if (table == null) return 0;
        for (String t : ImportFixture.TABLES) {
            if (t.equalsIgnoreCase(table)) return done + rows;
            done += fx.count("legacy", "select count(*) from " + t);
        }
        return done;
    }

    private static List<String> sorted(List<String> rows) {
        List<String> copy = new ArrayList<>(rows);
        copy.sort(null);
        return copy;
    }
}
