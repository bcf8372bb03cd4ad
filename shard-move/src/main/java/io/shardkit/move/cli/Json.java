package io.shardkit.move.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shardkit.cluster.config.ClusterConfig.RangeConfig;
import io.shardkit.cluster.config.ClusterConfig.ShardConfig;
import io.shardkit.cluster.config.ClusterConfig.StrategyConfig;
import io.shardkit.cluster.config.ShardMap;
import io.shardkit.cluster.topology.InstanceVersion;
import io.shardkit.cluster.topology.TopologyVersion;
import io.shardkit.move.MoveJob;
import io.shardkit.move.MovePlan;
import io.shardkit.move.verify.DiffReport;
import io.shardkit.move.verify.Mismatch;
import io.shardkit.move.MoveReport;
import io.shardkit.move.MoveReport.Place;
import java.util.List;
import java.util.TreeMap;

/**
 * A command's result as one JSON document (the {@code --output json} contract): field names are stable, absent values
 * are {@code null}, lists are never null, times are milliseconds, instants ISO-8601 in UTC.
 */
final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Json() {
    }

    private static ObjectNode root(String command) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("command", command);
        root.put("status", "ok");
        root.put("exitCode", ExitCodes.OK);
        return root;
    }

    /** {@code move} and {@code resume}: the report, and the job's state after it. */
    static String report(String command, MoveReport r, MoveJob job) {
        ObjectNode root = root(command);
        root.put("job", r.job());
        root.put("shard", r.shard());
        root.put("tenant", job.tenant());
        root.put("toShard", job.toShard());
        place(root.putObject("from"), r.from());
        place(root.putObject("to"), r.to());
        root.put("mode", Commands.mode(job.mode()));
        root.put("state", job.state().name());
        ObjectNode rows = root.putObject("rows");
        new TreeMap<>(r.rowsCopied()).forEach(rows::put);
        root.put("rowsTotal", r.rows());
        ObjectNode verify = root.putObject("verify");
        verify.put("clean", r.verify().clean());
        verify.put("rowsCompared", r.verify().rows());
        verify.put("mismatches", r.verify().mismatches().size());
        verify.put("timeMs", r.verifyTime().toMillis());
        root.put("pauseMs", r.pause().toMillis());
        root.put("version", r.version());
        return write(root);
    }

    /** {@code status --job N}, {@code cancel}: one job. */
    static String job(String command, MoveJob job) {
        ObjectNode root = root(command);
        job(root.putObject("job"), job);
        return write(root);
    }

    /** {@code status}: every job, oldest first. */
    static String jobs(List<MoveJob> jobs) {
        ObjectNode root = root("status");
        ArrayNode array = root.putArray("jobs");
        jobs.forEach(j -> job(array.addObject(), j));
        return write(root);
    }

    static String finish(MoveJob job, boolean fenceRemoved) {
        ObjectNode root = root("finish");
        root.put("fenceRemoved", fenceRemoved);
        job(root.putObject("job"), job);
        return write(root);
    }

    static String topology(TopologyVersion v, List<InstanceVersion> instances) {
        ObjectNode root = root("topology show");
        version(root, v);
        ShardMap map = v.map();
        ArrayNode shards = root.putArray("shards");
        for (ShardConfig s : map.shards()) {
            shards.addObject().put("id", s.id()).put("database", s.database()).put("schema", s.schema())
                    .put("weight", s.weight());
        }
        StrategyConfig st = map.strategy();
        if (st == null) {
            root.putNull("strategy");
        } else {
            ObjectNode strategy = root.putObject("strategy");
            strategy.put("type", st.type());
            strategy.put("hash", st.hash());
            strategy.put("virtualNodes", st.virtualNodes());
            ArrayNode ranges = strategy.putArray("ranges");
            for (RangeConfig range : st.ranges() == null ? List.<RangeConfig>of() : st.ranges()) {
                ranges.addObject().put("shard", range.shard()).put("from", range.from()).put("to", range.to());
            }
        }
        root.put("keyType", map.keyType());
        ObjectNode pins = root.putObject("pins");
        map.pins().forEach(pins::put);
        instances(root, instances);
        return write(root);
    }

    static String history(List<TopologyVersion> versions, List<InstanceVersion> instances) {
        ObjectNode root = root("topology history");
        ArrayNode array = root.putArray("versions");
        versions.forEach(v -> version(array.addObject(), v));
        instances(root, instances);
        return write(root);
    }

    /** The document for a command that ended with an error (refused, failed, configuration). */
    static String error(String command, int exitCode, String message) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("command", command);
        root.put("status", "error");
        root.put("exitCode", exitCode);
        root.put("error", message);
        return write(root);
    }

    private static void version(ObjectNode n, TopologyVersion v) {
        n.put("version", v.version());
        n.put("publishedAt", v.publishedAt().toString());
        n.put("reason", v.reason());
    }

    private static void instances(ObjectNode root, List<InstanceVersion> instances) {
        ArrayNode array = root.putArray("instances");
        for (InstanceVersion i : instances) {
            array.addObject().put("instance", i.instance()).put("version", i.version()).put("seenAt", i.seenAt().toString());
        }
    }

    private static void job(ObjectNode n, MoveJob j) {
        n.put("id", j.id());
        n.put("shard", j.shard());
        place(n.putObject("from"), j.from());
        place(n.putObject("to"), j.to());
        n.put("mode", Commands.mode(j.mode()));
        n.put("state", j.state().name());
        n.put("version", j.version());
        n.put("owner", j.owner());
        n.put("detail", j.detail());
        n.put("tenant", j.tenant());
        n.put("keyColumn", j.keyColumn());
        n.put("toShard", j.toShard());
    }

    /** {@code plan}: the move as it would run. */
    static String plan(MovePlan p) {
        ObjectNode root = root("plan");
        root.put("what", p.what());
        place(root.putObject("from"), p.from());
        place(root.putObject("to"), p.to());
        root.put("mode", Commands.mode(p.mode()));
        ObjectNode rows = root.putObject("rows");
        p.rows().forEach(rows::put);
        root.put("rowsTotal", p.totalRows());
        root.put("version", p.version());
        root.put("pause", p.pause());
        return write(root);
    }

    /** {@code verify}: the comparison, and every differing row. */
    static String diff(long job, DiffReport d) {
        ObjectNode root = root("verify");
        if (!d.clean()) {
            root.put("status", "mismatches");
            root.put("exitCode", ExitCodes.ERROR);
        }
        root.put("job", job);
        root.put("clean", d.clean());
        ObjectNode rows = root.putObject("rowsCompared");
        new TreeMap<>(d.rowsCompared()).forEach(rows::put);
        ArrayNode mismatches = root.putArray("mismatches");
        for (Mismatch m : d.mismatches()) {
            ObjectNode n = mismatches.addObject();
            n.put("table", m.table());
            n.put("kind", m.kind().name());
            ArrayNode key = n.putArray("key");
            m.key().forEach(key::add);
        }
        return write(root);
    }

    private static void place(ObjectNode n, Place p) {
        n.put("database", p.database());
        n.put("schema", p.schema());
    }

    private static String write(ObjectNode root) {
        try {
            return MAPPER.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the result as JSON", e);
        }
    }
}
