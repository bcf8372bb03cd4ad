package io.shardkit.migrate.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shardkit.migrate.FleetReport;
import io.shardkit.migrate.HistoryDrift;
import io.shardkit.migrate.MigrationOutcome;
import io.shardkit.migrate.MigrationStep;
import io.shardkit.migrate.ShardError;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A report as one JSON document (the {@code --output json} contract): field names are stable, absent values are
 * {@code null}, lists are never null, times are milliseconds.
 */
final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Json() {
    }

    /** {@code urls}: each database's JDBC URL, already redacted. */
    static String render(FleetReport report, Map<String, String> urls) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("command", report.command().cliName());
        root.put("status", report.status().name().toLowerCase(Locale.ROOT));
        root.put("exitCode", ExitCodes.of(report));
        root.put("durationMs", report.duration().toMillis());
        root.put("interrupted", report.interrupted());
        root.put("failedCanary", report.failedCanary().map(Object::toString).orElse(null));
        FleetReport.Summary s = report.summary();
        ObjectNode summary = root.putObject("summary");
        summary.put("shards", s.shards());
        summary.put("ok", s.ok());
        summary.put("pending", s.pending());
        summary.put("failed", s.failed());
        summary.put("invalid", s.invalid());
        summary.put("skipped", s.skipped());
        summary.put("migrationsApplied", s.migrationsApplied());
        root.put("summaryLine", report.summaryLine());
        ArrayNode versions = root.putArray("versions");
        for (FleetReport.VersionGroup g : report.byVersion()) {
            ObjectNode v = versions.addObject();
            v.put("version", g.version().orElse(null));
            ArrayNode ids = v.putArray("shards");
            g.shards().forEach(id -> ids.add(id.value()));
        }
        ArrayNode drift = root.putArray("drift");
        for (HistoryDrift d : report.drift()) {
            drift.addObject().put("shard", d.shard().value()).put("version", d.version()).put("detail", d.detail());
        }
        ArrayNode shards = root.putArray("shards");
        for (MigrationOutcome o : report.shards()) {
            ObjectNode n = shards.addObject();
            n.put("id", o.shard().value());
            n.put("index", o.index());
            n.put("database", o.database());
            n.put("url", urls.get(o.database()));
            n.put("schema", o.schema().orElse(null));
            n.put("state", o.state().name().toLowerCase(Locale.ROOT));
            n.put("versionBefore", o.versionBefore().orElse(null));
            n.put("versionAfter", o.versionAfter().orElse(null));
            steps(n.putArray("applied"), o.applied());
            steps(n.putArray("pending"), o.pending());
            n.put("durationMs", o.duration().toMillis());
            Optional<ShardError> error = o.error();
            if (error.isPresent()) {
                ObjectNode e = n.putObject("error");
                e.put("summary", error.get().summary());
                e.put("message", error.get().message());
                e.put("migration", error.get().migration().orElse(null));
                e.put("sqlState", error.get().sqlState().orElse(null));
            } else {
                n.putNull("error");
            }
            ArrayNode notes = n.putArray("notes");
            o.notes().forEach(notes::add);
        }
        return write(root);
    }

    /** The document for a run that ended before any shard ran (configuration, connection). */
    static String error(String command, int exitCode, String message) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("command", command);
        root.put("status", "error");
        root.put("exitCode", exitCode);
        root.put("error", message);
        return write(root);
    }

    private static void steps(ArrayNode array, List<MigrationStep> steps) {
        for (MigrationStep m : steps) {
            ObjectNode n = array.addObject();
            n.put("version", m.version().orElse(null));
            n.put("description", m.description());
            n.put("script", m.script());
            if (m.executionTime().isPresent()) n.put("executionTimeMs", m.executionTime().get().toMillis());
        }
    }

    private static String write(ObjectNode root) {
        try {
            return MAPPER.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the report as JSON", e);
        }
    }
}
