package io.shardkit.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shardkit.router.ShardId;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A configuration with warnings but no errors starts, and its warnings reach the log (slf4j-simple writes to
 * stderr, captured here) instead of being dropped.
 */
class StartupWarningsTest {
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    private String url(int i) {
        return "jdbc:h2:mem:warn_" + run + "_" + i + ";DB_CLOSE_DELAY=-1";
    }

    /** The WARN lines of ShardCluster written while {@code action} ran. */
    private static List<String> warnings(Runnable action) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8).lines()
                .filter(l -> l.contains(" WARN " + ShardCluster.class.getName() + " - "))
                .map(l -> l.substring(l.indexOf(" - ") + 3)).toList();
    }

    @Test
    void aConfigWithOnlyWarningsStartsAndLogsThemAtWarn() {
        ShardCluster[] started = new ShardCluster[1];
        List<String> logged = warnings(() -> started[0] = ShardCluster.builder()
                .database("db0", url(0), "sa", "pw").database("db1", url(1), "sa", "pw").database("db3", url(3), "sa", "pw")
                .shard("s0", "db0").shard("s1", "db1").jump().build());
        try (ShardCluster cluster = started[0]) {
            assertEquals(List.of(ShardId.of("s0"), ShardId.of("s1")), cluster.shards().stream().map(Shard::id).toList());
            assertEquals(List.of("Shardkit configuration warning: databases.db3: no shard uses this database — remove it"
                    + " or place a shard on it"), logged);

            // A reconfiguration with a warning logs it too.
            List<String> again = warnings(() -> cluster.reconfigure(ShardCluster.builder()
                    .database("db0", url(0), "sa", "pw").database("db1", url(1), "sa", "pw")
                    .shard("s0", "db0").jump().toConfig()));
            assertEquals(List.of("Shardkit configuration warning: databases.db1: no shard uses this database — remove it"
                    + " or place a shard on it"), again);
        }
    }
}
