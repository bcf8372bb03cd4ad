package io.shardkit.cluster.atomic;

import io.shardkit.router.ShardId;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The global id of one prepared branch: {@code shardkit:<cluster>:<transaction>:<decision shard>:<participant>}. The
 * decision shard in it is what lets any instance recover the branch from the databases alone; the participant makes
 * it unique per server, where PostgreSQL keeps prepared ids (two shard databases of one server prepare twice).
 * Components are URL-encoded, so a name with a colon cannot break the format.
 */
record Gid(String cluster, String transaction, ShardId decisionShard, String participant) {
    private static final String PREFIX = "shardkit:";

    /** What every gid of {@code cluster} starts with, for a LIKE over {@code pg_prepared_xacts}. */
    static String prefix(String cluster) {
        return PREFIX + encode(cluster) + ":";
    }

    String text() {
        return prefix(cluster) + encode(transaction) + ":" + encode(decisionShard.value()) + ":" + encode(participant);
    }

    /** The branch a gid names, or null when it is not a Shardkit gid of four components. */
    static Gid parse(String gid) {
        if (gid == null || !gid.startsWith(PREFIX)) return null;
        String[] parts = gid.substring(PREFIX.length()).split(":", -1);
        if (parts.length != 4) return null;
        return new Gid(decode(parts[0]), decode(parts[1]), ShardId.of(decode(parts[2])), decode(parts[3]));
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
