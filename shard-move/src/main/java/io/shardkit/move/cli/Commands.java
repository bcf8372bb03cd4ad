package io.shardkit.move.cli;

import io.shardkit.cluster.topology.TopologyVersion;
import io.shardkit.move.MoveJob;
import io.shardkit.move.MoveMode;
import io.shardkit.move.MovePlan;
import io.shardkit.move.MoveRequest;
import io.shardkit.move.verify.DiffReport;
import io.shardkit.move.MoveReport;
import io.shardkit.move.ShardMover;
import io.shardkit.router.ShardException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** The commands of {@code shard-move}; each runs {@link ShardMoveCli#run} with what it does with the mover. */
final class Commands {
    private Commands() {
    }

    /** {@code online} or {@code block-writes} (also {@code block_writes}), in any case. */
    static final class ModeConverter implements CommandLine.ITypeConverter<MoveMode> {
        @Override
        public MoveMode convert(String value) {
            String name = value.strip().replace('-', '_');
            for (MoveMode m : MoveMode.values()) {
                if (m.name().equalsIgnoreCase(name)) return m;
            }
            throw new CommandLine.TypeConversionException("'" + value + "' is not online or block-writes");
        }
    }

    /** A mode as the command line spells it: {@code online}, {@code block-writes}. */
    static String mode(MoveMode mode) {
        return mode == null ? null : mode.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** A move's report, and the job's state, on stdout; the one-line outcome on stderr. */
    static int printReport(ShardMoveCli root, String command, ShardMover mover, MoveReport report, PrintWriter out,
                           PrintWriter err) {
        MoveJob job = mover.job(report.job());
        out.print(root.json() ? Json.report(command, report, job) + "\n" : Text.report(report, job));
        err.println("job " + report.job() + ": " + job.what() + " moved from " + report.from() + " to " + report.to()
                + " in topology version " + report.version() + "; run finish --job " + report.job()
                + " to delete its rows at " + report.from());
        return ExitCodes.OK;
    }

    abstract static class Sub implements Callable<Integer> {
        @ParentCommand
        ShardMoveCli parent;

        @Spec
        CommandSpec spec;
    }

    /** What moves and where: {@code --shard s3 --to db4} or {@code --tenant 42 --key-column customer_id --to s9}. */
    static final class What {
        @Option(names = "--shard", paramLabel = "ID", description = "The logical shard that moves, e.g. s3.")
        String shard;

        @Option(names = "--tenant", paramLabel = "KEY", description = "Or: the tenant (a shard key) whose rows move.")
        String tenant;

        @Option(names = "--key-column", paramLabel = "COLUMN",
                description = "With --tenant: the shard-key column, in every table of the tenant's shard.")
        String keyColumn;

        @Option(names = "--to", required = true, paramLabel = "DATABASE|SHARD",
                description = "A shard moves to a database; a tenant to a logical shard.")
        String to;

        @Option(names = "--to-schema", paramLabel = "SCHEMA",
                description = "With --shard: the schema there. Default: the database's default schema.")
        String toSchema;

        @Option(names = "--mode", paramLabel = "online|block-writes", converter = ModeConverter.class,
                description = "Default: online between PostgreSQL databases, block-writes elsewhere.")
        MoveMode mode;

        MoveRequest request(CommandSpec spec) {
            String problem = (shard == null) == (tenant == null) ? "name what moves: --shard ID or --tenant KEY (one of them)"
                    : tenant != null && keyColumn == null ? "--tenant needs --key-column, the tenant's shard-key column"
                    : shard != null && keyColumn != null ? "--key-column goes with --tenant, not --shard"
                    : tenant != null && toSchema != null ? "--to-schema goes with --shard: a tenant moves to a shard (--to)"
                    : null;
            if (problem != null) throw new CommandLine.ParameterException(spec.commandLine(), problem);
            MoveRequest r = shard != null ? MoveRequest.shard(shard, to, toSchema) : MoveRequest.tenant(tenant, keyColumn, to);
            return r.mode(mode);
        }
    }

    static Integer batchSize(CommandSpec spec, Integer batchSize) {
        if (batchSize != null && (batchSize < 1 || batchSize > 100_000)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "Invalid value for option '--batch-size': " + batchSize + " is not between 1 and 100000");
        }
        return batchSize;
    }

    @Command(name = "plan", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Check a move and say how it would run — rows per table, mode, how writes pause. Changes nothing.")
    static final class Plan extends Sub {
        @CommandLine.Mixin
        What what;

        @Override
        public Integer call() {
            MoveRequest request = what.request(spec);
            return parent.run("plan", spec, null, (mover, out, err) -> {
                MovePlan plan = mover.plan(request);
                out.print(parent.json() ? Json.plan(plan) + "\n" : Text.plan(plan));
                return ExitCodes.OK;
            });
        }
    }

    @Command(name = "move", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Move a logical shard to another database (whose tables exist and are empty), or a tenant to"
                    + " another shard; returns once the next topology version routes it there (SWITCHED).")
    static final class Move extends Sub {
        @CommandLine.Mixin
        What what;

        @Option(names = "--batch-size", paramLabel = "N", description = "Rows per copy batch, 1 to 100000. Default: 1000.")
        Integer batchSize;

        @Override
        public Integer call() {
            MoveRequest request = what.request(spec);
            return parent.run("move", spec, batchSize(spec, batchSize), (mover, out, err) ->
                    printReport(parent, "move", mover, mover.move(request), out, err));
        }
    }

    @Command(name = "start", mixinStandardHelpOptions = true, sortOptions = false,
            description = "The first half of a move: online, copy, catch up and verify while writes go on (the job ends"
                    + " VERIFIED, replication keeps following); block-writes, install the fence, still open (the job ends"
                    + " COPYING: the copy is the pause, and comes with cutover). Then: cutover --job N.")
    static final class Start extends Sub {
        @CommandLine.Mixin
        What what;

        @Option(names = "--batch-size", paramLabel = "N", description = "Rows per copy batch, 1 to 100000. Default: 1000.")
        Integer batchSize;

        @Override
        public Integer call() {
            MoveRequest request = what.request(spec);
            return parent.run("start", spec, batchSize(spec, batchSize), (mover, out, err) -> {
                MoveJob job = mover.start(request);
                out.print(parent.json() ? Json.job("start", job) + "\n" : Text.jobs(List.of(job)));
                err.println("job " + job.id() + " is " + job.state() + "; run cutover --job " + job.id() + " to switch");
                return ExitCodes.OK;
            });
        }
    }

    @Command(name = "cutover", mixinStandardHelpOptions = true,
            description = "Switch a started move: the fence closes, the last changes arrive (block-writes: the copy),"
                    + " the next topology version routes writes to the target.")
    static final class Cutover extends Sub {
        @Option(names = "--job", required = true, paramLabel = "N", description = "The job's id (see status).")
        long job;

        @Override
        public Integer call() {
            return parent.run("cutover", spec, null, (mover, out, err) ->
                    printReport(parent, "cutover", mover, mover.cutover(job), out, err));
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Compare a started online move's source and target now, while writes go on; every row that"
                    + " still differs after 3 re-reads is listed. Exit 1 when any does.")
    static final class Verify extends Sub {
        @Option(names = "--job", required = true, paramLabel = "N", description = "The job's id (see status).")
        long job;

        @Override
        public Integer call() {
            return parent.run("verify", spec, null, (mover, out, err) -> {
                DiffReport diff = mover.verify(job);
                out.print(parent.json() ? Json.diff(job, diff) + "\n" : Text.diff(job, diff));
                return diff.clean() ? ExitCodes.OK : ExitCodes.ERROR;
            });
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true,
            description = "Run a job on from the step it recorded (its mover stopped), to SWITCHED.")
    static final class Resume extends Sub {
        @Option(names = "--job", required = true, paramLabel = "N", description = "The job's id (see status).")
        long job;

        @Override
        public Integer call() {
            return parent.run("resume", spec, null, (mover, out, err) ->
                    printReport(parent, "resume", mover, mover.resume(job), out, err));
        }
    }

    @Command(name = "cancel", mixinStandardHelpOptions = true,
            description = "Undo a job that was not switched: the fence opens and goes, the target's copy is deleted.")
    static final class Cancel extends Sub {
        @Option(names = "--job", required = true, paramLabel = "N", description = "The job's id (see status).")
        long job;

        @Override
        public Integer call() {
            return parent.run("cancel", spec, null, (mover, out, err) -> {
                MoveJob cancelled = mover.cancel(job);
                out.print(parent.json() ? Json.job("cancel", cancelled) + "\n" : Text.jobs(List.of(cancelled)));
                return ExitCodes.OK;
            });
        }
    }

    @Command(name = "finish", mixinStandardHelpOptions = true,
            description = "After a switched move: delete the shard's rows at its old place; the fence goes too once every"
                    + " instance runs the move's version.")
    static final class Finish extends Sub {
        @Option(names = "--job", required = true, paramLabel = "N", description = "The job's id (see status).")
        long job;

        @Override
        public Integer call() {
            return parent.run("finish", spec, null, (mover, out, err) -> {
                boolean removed = mover.finish(job);
                MoveJob finished = mover.job(job);
                out.print(parent.json() ? Json.finish(finished, removed) + "\n" : Text.finish(finished, removed));
                return ExitCodes.OK;
            });
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "The move jobs, oldest first, or one job.")
    static final class Status extends Sub {
        @Option(names = "--job", paramLabel = "N", description = "Only this job.")
        Long job;

        @Override
        public Integer call() {
            return parent.run("status", spec, null, (mover, out, err) -> {
                if (job != null) {
                    MoveJob one = mover.job(job);
                    out.print(parent.json() ? Json.job("status", one) + "\n" : Text.jobs(List.of(one)));
                } else {
                    List<MoveJob> all = mover.jobs();
                    out.print(parent.json() ? Json.jobs(all) + "\n" : all.isEmpty() ? "no move jobs\n" : Text.jobs(all));
                }
                return ExitCodes.OK;
            });
        }
    }

    @Command(name = "topology", mixinStandardHelpOptions = true, synopsisSubcommandLabel = "COMMAND",
            description = "The shared shard map in the control database, and the version each instance runs.",
            subcommands = {TopologyShow.class, TopologyHistory.class})
    static final class Topology extends Sub {
        @Override
        public Integer call() {
            return ShardMoveCli.missingCommand(spec);
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "The newest version: each shard's database and schema, the strategy, the pins; and the instances.")
    static final class TopologyShow implements Callable<Integer> {
        @ParentCommand
        Topology topology;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            ShardMoveCli root = topology.parent;
            return root.run("topology show", spec, null, (mover, out, err) -> {
                TopologyVersion latest = mover.store().latest().orElseThrow(() -> new ShardException(ShardException.Code.CONFIG,
                        "the topology store holds no version yet — start an instance (or the cluster) once to publish version 1"));
                var instances = mover.store().instances();
                out.print(root.json() ? Json.topology(latest, instances) + "\n" : Text.topology(latest, instances));
                return ExitCodes.OK;
            });
        }
    }

    @Command(name = "history", mixinStandardHelpOptions = true,
            description = "Every version (number, published at, reason), oldest first; and the instances.")
    static final class TopologyHistory implements Callable<Integer> {
        @ParentCommand
        Topology topology;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            ShardMoveCli root = topology.parent;
            return root.run("topology history", spec, null, (mover, out, err) -> {
                List<TopologyVersion> versions = mover.store().history();
                var instances = mover.store().instances();
                out.print(root.json() ? Json.history(versions, instances) + "\n" : Text.history(versions, instances));
                return ExitCodes.OK;
            });
        }
    }
}
