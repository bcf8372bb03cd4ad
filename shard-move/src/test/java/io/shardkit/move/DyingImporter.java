package io.shardkit.move;

import io.shardkit.cluster.config.ShardsYaml;
import java.nio.file.Path;
import java.time.Duration;

/**
 * An importer in a process of its own, for {@link ImportKillTest}: it imports {@code legacy} by {@code customer_id}
 * in small batches, printing the job's id once FENCED, and slowing each batch a little so the test can kill it
 * mid-copy at no particular point. Arguments: shards.yml.
 */
public final class DyingImporter {
    private DyingImporter() {
    }

    public static void main(String[] args) {
        try (ShardMover mover = ShardMover.configure(ShardsYaml.load(Path.of(args[0]))).owner("doomed")
                .lease(Duration.ofSeconds(1)).batchSize(20).load()) {
            mover.imports().onState(job -> {
                if (job.state() == ImportJob.State.FENCED) {
                    System.out.println("JOB " + job.id());
                    System.out.flush();
                }
                try {
                    Thread.sleep(3);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }).start(ImportRequest.of("legacy", "customer_id"));
        }
    }
}
