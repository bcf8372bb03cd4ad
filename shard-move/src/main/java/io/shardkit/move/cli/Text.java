package io.shardkit.move.cli;

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
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Results as text for a terminal: a move's report as labelled lines, jobs, versions and instances as tables. */
final class Text {
    private Text() {
    }

    static String report(MoveReport r, MoveJob job) {
        List<String[]> lines = new ArrayList<>();
        lines.add(new String[] {"job", Long.toString(r.job())});
        lines.add(new String[] {"shard", r.shard()});
        if (job.tenant() != null) lines.add(new String[] {"tenant", job.tenant() + " (" + job.keyColumn() + ") to " + job.toShard()});
        lines.add(new String[] {"from", r.from().toString()});
        lines.add(new String[] {"to", r.to().toString()});
        lines.add(new String[] {"mode", Commands.mode(job.mode())});
        lines.add(new String[] {"state", job.state().name()});
        String perTable = new TreeMap<>(r.rowsCopied()).entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
        lines.add(new String[] {"rows", r.rows() + (perTable.isEmpty() ? "" : " (" + perTable + ")")});
        lines.add(new String[] {"verify", r.verify().rows() + " rows compared, " + r.verify().mismatches().size()
                + " mismatches, in " + r.verifyTime().toMillis() + " ms"});
        lines.add(new String[] {"pause", r.pause().toMillis() + " ms"});
        lines.add(new String[] {"version", Long.toString(r.version())});
        return table(lines);
    }

    static String plan(MovePlan p) {
        List<String[]> lines = new ArrayList<>();
        lines.add(new String[] {"move", p.what()});
        lines.add(new String[] {"from", p.from().toString()});
        lines.add(new String[] {"to", p.to().toString()});
        lines.add(new String[] {"mode", Commands.mode(p.mode())});
        String perTable = p.rows().entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
        lines.add(new String[] {"rows", p.totalRows() + (perTable.isEmpty() ? "" : " (" + perTable + ")")});
        lines.add(new String[] {"from version", Long.toString(p.version())});
        lines.add(new String[] {"pause", p.pause()});
        return table(lines) + "nothing changed: start the move with start (then cutover), or move\n";
    }

    static String diff(long job, DiffReport d) {
        StringBuilder out = new StringBuilder("job " + job + ": " + d.rows() + " rows compared ("
                + new TreeMap<>(d.rowsCompared()).entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", ")) + "), " + d.mismatches().size() + " differ after 3 re-reads\n");
        if (!d.clean()) {
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"table", "kind", "key"});
            for (Mismatch m : d.mismatches()) rows.add(new String[] {m.table(), m.kind().name(), String.join(", ", m.key())});
            out.append(table(rows));
        }
        return out.toString();
    }

    static String jobs(List<MoveJob> jobs) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"id", "moves", "from", "to", "mode", "state", "version", "owner", "detail"});
        for (MoveJob j : jobs) {
            String moves = j.tenant() == null ? j.shard() : "tenant " + j.tenant() + " (" + j.keyColumn() + ") "
                    + j.shard() + " -> " + j.toShard();
            rows.add(new String[] {Long.toString(j.id()), moves, j.from().toString(), j.to().toString(),
                    Commands.mode(j.mode()), j.state().name(), j.version() == null ? "" : j.version().toString(),
                    nz(j.owner()), nz(j.detail())});
        }
        return table(rows);
    }

    static String finish(MoveJob job, boolean fenceRemoved) {
        return jobs(List.of(job)) + "\nfence removed: " + (fenceRemoved ? "yes" : "no — it stays until every instance runs"
                + " version " + job.version() + "; run finish again then") + "\n";
    }

    static String topology(TopologyVersion v, List<InstanceVersion> instances) {
        StringBuilder out = new StringBuilder();
        out.append("topology version ").append(v.version()).append(", published ").append(v.publishedAt())
                .append(v.reason() == null ? "" : ": " + v.reason()).append("\n\n");
        ShardMap map = v.map();
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"shard", "database", "schema", "weight"});
        for (ShardConfig s : map.shards()) {
            rows.add(new String[] {s.id(), s.database(), nz(s.schema()), s.weight() == null ? "" : s.weight().toString()});
        }
        out.append(table(rows)).append('\n');
        out.append("strategy: ").append(strategy(map.strategy()))
                .append(map.keyType() == null ? "" : ", key type " + map.keyType()).append('\n');
        if (map.strategy() != null && map.strategy().ranges() != null) {
            for (RangeConfig r : map.strategy().ranges()) {
                out.append("  ").append(r.shard()).append(": ").append(r.from()).append(" .. ").append(r.to()).append('\n');
            }
        }
        if (map.pins().isEmpty()) {
            out.append("pins: none\n");
        } else {
            out.append("pins:\n");
            map.pins().forEach((key, shard) -> out.append("  ").append(key).append(" → ").append(shard).append('\n'));
        }
        return out.append(instances(instances)).toString();
    }

    static String history(List<TopologyVersion> versions, List<InstanceVersion> instances) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"version", "published", "reason"});
        for (TopologyVersion v : versions) {
            rows.add(new String[] {Long.toString(v.version()), v.publishedAt().toString(), nz(v.reason())});
        }
        return (versions.isEmpty() ? "no topology version yet\n" : table(rows)) + instances(instances);
    }

    private static String instances(List<InstanceVersion> instances) {
        if (instances.isEmpty()) return "\ninstances: none recorded\n";
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"instance", "version", "seen"});
        for (InstanceVersion i : instances) {
            rows.add(new String[] {i.instance(), Long.toString(i.version()), i.seenAt().toString()});
        }
        return "\ninstances:\n" + table(rows);
    }

    private static String strategy(StrategyConfig s) {
        if (s == null) return "none";
        StringBuilder b = new StringBuilder(String.valueOf(s.type()));
        if (s.hash() != null) b.append(", hash ").append(s.hash());
        if (s.virtualNodes() != null) b.append(", ").append(s.virtualNodes()).append(" virtual nodes");
        return b.toString();
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    /** Rows as columns two spaces apart, each as wide as its widest cell; the first row is the header. */
    static String table(List<String[]> rows) {
        int columns = rows.getFirst().length;
        int[] width = new int[columns];
        for (String[] row : rows) {
            for (int c = 0; c < columns; c++) width[c] = Math.max(width[c], row[c].length());
        }
        StringBuilder out = new StringBuilder();
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < columns; c++) {
                line.append(c == columns - 1 ? row[c] : row[c] + " ".repeat(width[c] - row[c].length()) + "  ");
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }
}
