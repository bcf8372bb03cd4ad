package io.shardkit.move.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shardkit.move.ImportJob;
import io.shardkit.move.ImportReport;
import io.shardkit.move.MoveReport.Place;
import io.shardkit.move.verify.DiffReport;
import io.shardkit.move.verify.Mismatch;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/** {@code import}'s output: its report and jobs as text or JSON, and its progress lines on stderr. */
final class ImportOutput {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** Mismatches listed per shard in text; JSON lists them all. */
    private static final int TEXT_MISMATCHES = 20;

    private ImportOutput() {
    }

    /** One line per step, and a copy's progress at most every 2 s. */
    static Consumer<ImportJob> progress(PrintWriter err) {
        return new Consumer<>() {
            private ImportJob.State last;
            private long shownAt;

            @Override
            public void accept(ImportJob job) {
                long now = System.nanoTime();
                if (job.state() == last && now - shownAt < 2_000_000_000L) return;
                last = job.state();
                shownAt = now;
                err.println(line(job));
                err.flush();
            }
        };
    }

    static String line(ImportJob job) {
        String progress = job.state() == ImportJob.State.COPYING && job.progressTable() != null
                ? " — " + job.progressTable() + ": " + job.progressRows() + " rows" : "";
        return "import job " + job.id() + ": " + job.state() + progress
                + (job.detail() == null || job.detail().isBlank() ? "" : " — " + job.detail());
    }

    static String text(ImportReport r, ImportJob job) {
        List<String[]> lines = new ArrayList<>();
        lines.add(new String[] {"job", Long.toString(r.job())});
        lines.add(new String[] {"from", r.from().toString()});
        lines.add(new String[] {"key column", job.keyColumn()});
        lines.add(new String[] {"state", job.state().name()});
        lines.add(new String[] {"rows", r.rows() + " (" + join(r.rowsPerTable()) + ")"});
        lines.add(new String[] {"shards", join(r.rowsPerShard())});
        long compared = r.verify().values().stream().mapToLong(DiffReport::rows).sum();
        long bad = r.verify().values().stream().mapToLong(d -> d.mismatches().size()).sum();
        lines.add(new String[] {"verify", compared + " rows compared on " + r.verify().size() + " shards, " + bad
                + " mismatches, in " + r.verifyTime().toMillis() + " ms"});
        lines.add(new String[] {"pause", r.pause().toMillis() + " ms (writes to " + r.from() + " refused since the fence closed)"});
        lines.add(new String[] {"version", Long.toString(r.version())});
        lines.add(new String[] {"source", r.source()});
        StringBuilder out = new StringBuilder(table(lines));
        r.verify().forEach((shard, d) -> {
            if (d.clean()) return;
            out.append("mismatches on ").append(shard).append(" (").append(d.mismatches().size()).append("):\n");
            d.mismatches().stream().limit(TEXT_MISMATCHES).forEach(m -> out.append("  ").append(m).append('\n'));
            if (d.mismatches().size() > TEXT_MISMATCHES) out.append("  … --output json lists them all\n");
        });
        return out.toString();
    }

    static String json(String command, ImportReport r, ImportJob job, int exitCode) {
        ObjectNode root = root(command, exitCode);
        root.put("job", r.job());
        place(root.putObject("from"), r.from());
        root.put("keyColumn", job.keyColumn());
        root.put("state", job.state().name());
        root.put("version", r.version());
        ObjectNode rows = root.putObject("rows");
        r.rowsPerTable().forEach(rows::put);
        root.put("rowsTotal", r.rows());
        ObjectNode shards = root.putObject("shards");
        r.rowsPerShard().forEach(shards::put);
        ObjectNode verify = root.putObject("verify");
        verify.put("clean", r.clean());
        verify.put("rowsCompared", r.verify().values().stream().mapToLong(DiffReport::rows).sum());
        verify.put("mismatches", r.verify().values().stream().mapToLong(d -> d.mismatches().size()).sum());
        verify.put("timeMs", r.verifyTime().toMillis());
        ObjectNode perShard = verify.putObject("shards");
        r.verify().forEach((shard, d) -> {
            ObjectNode s = perShard.putObject(shard);
            s.put("rowsCompared", d.rows());
            ArrayNode list = s.putArray("mismatches");
            for (Mismatch m : d.mismatches()) {
                ObjectNode n = list.addObject();
                n.put("table", m.table());
                m.key().forEach(n.putArray("key")::add);
                n.put("kind", m.kind().name());
            }
        });
        root.put("pauseMs", r.pause().toMillis());
        root.put("source", r.source());
        return write(root);
    }

    static String jobsText(List<ImportJob> jobs) {
        if (jobs.isEmpty()) return "no import jobs\n";
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"id", "from", "key column", "state", "version", "progress", "owner", "detail"});
        for (ImportJob j : jobs) {
            rows.add(new String[] {Long.toString(j.id()), j.from().toString(), j.keyColumn(), j.state().name(),
                    Long.toString(j.version()), j.progressTable() == null ? "" : j.progressTable() + " " + j.progressRows() + " rows",
                    j.owner() == null ? "" : j.owner(), j.detail() == null ? "" : j.detail()});
        }
        return table(rows);
    }

    static String jobsJson(String command, List<ImportJob> jobs) {
        ObjectNode root = root(command, ExitCodes.OK);
        ArrayNode array = root.putArray("jobs");
        for (ImportJob j : jobs) {
            ObjectNode n = array.addObject();
            n.put("id", j.id());
            place(n.putObject("from"), j.from());
            n.put("keyColumn", j.keyColumn());
            j.tables().forEach(n.putArray("tables")::add);
            n.put("state", j.state().name());
            n.put("version", j.version());
            n.put("progressTable", j.progressTable());
            n.put("progressRows", j.progressRows());
            n.put("progressKey", j.progressKey());
            n.put("owner", j.owner());
            n.put("detail", j.detail());
        }
        return write(root);
    }

    private static ObjectNode root(String command, int exitCode) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("command", command);
        root.put("status", exitCode == ExitCodes.OK ? "ok" : "error");
        root.put("exitCode", exitCode);
        return root;
    }

    private static void place(ObjectNode n, Place p) {
        n.put("database", p.database());
        n.put("schema", p.schema());
    }

    private static String join(java.util.Map<String, Long> counts) {
        return counts.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
    }

    private static String table(List<String[]> rows) {
        return Text.table(rows);
    }

    private static String write(ObjectNode root) {
        try {
            return MAPPER.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the result as JSON", e);
        }
    }
}
