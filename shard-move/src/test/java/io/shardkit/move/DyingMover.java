package io.shardkit.move;

import io.shardkit.cluster.config.ShardsYaml;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A mover in a process of its own, for {@link MoverKillTest}: it moves a shard and, on reaching the given state, says
 * so on stdout and waits to be killed. Arguments: shards.yml, shard, target database, mode, state.
 */
public final class DyingMover {
    private DyingMover() {
    }

    public static void main(String[] args) throws Exception {
        MoveJob.State at = MoveJob.State.valueOf(args[4]);
        try (ShardMover mover = ShardMover.configure(ShardsYaml.load(Path.of(args[0]))).owner("doomed")
                .lease(Duration.ofSeconds(1)).onState(job -> {
                    if (job.state() != at) return;
                    System.out.println("AT " + job.state() + " job " + job.id());
                    System.out.flush();
                    try {
                        Thread.sleep(Long.MAX_VALUE);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }).load()) {
            mover.moveShard(args[1], args[2], null, MoveMode.valueOf(args[3]));
        }
    }
}
