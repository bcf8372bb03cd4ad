package io.shardkit.migrate;

import io.shardkit.migrate.ShardMigrator.Settings;
import io.shardkit.migrate.ShardMigrator.Target;
import io.shardkit.router.ShardId;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * One fleet command from start to report. The calling thread schedules: canaries one at a time, then up to
 * {@code concurrency} shards at once, never two on one physical database; it alone talks to the listener and
 * decides when to stop starting shards. Workers only run {@link ShardCommands} and hand back the result.
 */
final class FleetRun {
    private record Done(int slot, ShardCommands.Result result) {
    }

    private final FleetCommand command;
    private final Settings settings;
    private final List<Target> targets;
    private final ShardCommands commands;
    private final Executor executor;
    private final ShardCommands.Result[] results;
    private final BlockingQueue<Done> done = new LinkedBlockingQueue<>();
    private final Set<String> busyDatabases = new HashSet<>();
    private int running;
    private int finished;
    private String stopReason;
    private boolean interrupted;
    private boolean restoreInterrupt;
    private Optional<ShardId> failedCanary = Optional.empty();

    FleetRun(FleetCommand command, Settings settings, List<Target> targets, ShardCommands commands) {
        this.command = command;
        this.settings = settings;
        this.targets = targets;
        this.commands = commands;
        this.executor = settings.executor().orElseGet(ShardMigrator::threadPerShard);
        this.results = new ShardCommands.Result[targets.size()];
    }

    FleetReport run() {
        long started = System.nanoTime();
        settings.listener().started(command, targets.stream().map(Target::id).toList());
        boolean changes = command.changesShards();
        int canaries = changes ? Math.min(settings.canary(), targets.size()) : 0;
        // Read-only commands visit every shard: a failure policy only protects shards from changes.
        OnError onError = changes ? settings.onError() : OnError.CONTINUE;

        for (int slot = 0; slot < canaries && stopReason == null; slot++) {
            if (checkStop()) break;
            start(slot);
            Done d = awaitOne();
            if (d.result().outcome().state() == ShardState.FAILED) {
                failedCanary = Optional.of(targets.get(d.slot()).id());
                stop("canary " + targets.get(d.slot()).id() + " failed");
            }
        }

        int concurrency = settings.concurrency();
        Deque<Integer> queue = new ArrayDeque<>();
        for (int slot = canaries; slot < targets.size(); slot++) queue.add(slot);
        while (true) {
            for (Iterator<Integer> it = queue.iterator(); stopReason == null && running < concurrency && it.hasNext(); ) {
                int slot = it.next();
                if (busyDatabases.contains(targets.get(slot).shard().database())) continue;
                if (checkStop()) break;
                it.remove();
                start(slot);
            }
            if (running == 0) break;
            Done d = awaitOne();
            if (onError == OnError.FAIL && d.result().outcome().state() == ShardState.FAILED && stopReason == null) {
                stop(targets.get(d.slot()).id() + " failed and onError is FAIL");
            }
        }

        String reason = stopReason;
        for (int slot = 0; slot < targets.size(); slot++) {
            if (results[slot] == null) results[slot] = skipped(targets.get(slot), reason);
        }
        Map<ShardId, List<DriftDetector.Applied>> histories = new LinkedHashMap<>();
        for (ShardCommands.Result r : results) r.history().ifPresent(h -> histories.put(r.outcome().shard(), h));
        if (restoreInterrupt) Thread.currentThread().interrupt();
        return new FleetReport(command, Arrays.stream(results).map(ShardCommands.Result::outcome).toList(),
                DriftDetector.detect(histories), Duration.ofNanos(System.nanoTime() - started), interrupted, failedCanary);
    }

    private boolean checkStop() {
        if (Thread.interrupted()) {  // cleared while this thread waits for running shards, set again at the end
            restoreInterrupt = true;
            interrupted = true;
            if (stopReason == null) stop("interrupted");
        }
        if (stopReason == null && settings.stopRequested().getAsBoolean()) {
            interrupted = true;
            stop("stop requested");
        }
        return stopReason != null;
    }

    private void stop(String reason) {
        stopReason = reason;
        settings.listener().stopping(reason);
    }

    private void start(int slot) {
        Target t = targets.get(slot);
        busyDatabases.add(t.shard().database());
        running++;
        try {
            executor.execute(() -> {
                // Posted in a finally: a worker that dies without posting leaves run() waiting for ever.
                ShardCommands.Result result = null;
                try {
                    result = commands.run(command, t);
                } catch (Throwable e) {
                    result = commands.crashed(t, e);
                } finally {
                    done.add(new Done(slot, result != null ? result : commands.crashed(t,
                            new IllegalStateException("[shard " + t.id() + "] the worker ended without a result"))));
                }
            });
        } catch (RuntimeException e) {  // a rejecting executor fails this shard, not the run
            done.add(new Done(slot, commands.rejected(t, e)));
        }
    }

    /** Waits for the next shard to finish. An interrupt stops new starts but never abandons a running shard. */
    private Done awaitOne() {
        Done d;
        while (true) {
            try {
                d = done.take();
                break;
            } catch (InterruptedException e) {
                restoreInterrupt = true;
                interrupted = true;
                if (stopReason == null) stop("interrupted");
            }
        }
        running--;
        busyDatabases.remove(targets.get(d.slot()).shard().database());
        results[d.slot()] = d.result();
        settings.listener().shardFinished(d.result().outcome(), ++finished, targets.size());
        return d;
    }

    private static ShardCommands.Result skipped(Target t, String reason) {
        return new ShardCommands.Result(new MigrationOutcome(t.id(), t.index(), t.shard().database(), t.shard().schema(),
                ShardState.SKIPPED, Optional.empty(), Optional.empty(), List.of(), List.of(), Duration.ZERO,
                Optional.empty(), List.of("not started: " + reason)), Optional.empty());
    }
}
