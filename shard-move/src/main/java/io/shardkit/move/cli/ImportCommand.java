package io.shardkit.move.cli;

import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code shard-move import}: a single database into the cluster, and its jobs ({@link io.shardkit.move.DatabaseImports}). */
@Command(name = "import", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Import a single database (one of databases in shards.yml) into the cluster, block-writes: a fence"
                        + " closes on it (every write there is refused with SQLSTATE SKM01 from then on, for good),"
                        + " each row is copied to the shard the latest topology version's router picks for its key"
                        + " column, in primary-key batches, and every shard is compared with the source rows routed"
                        + " to it. The source keeps its rows. The shards' tables must exist and be empty.",
                "A job whose mover stopped: --resume --job N finishes it, --cancel --job N deletes what it imported"
                        + " from the shards and opens the source again. --verify --job N compares again;"
                        + " --status lists the import jobs."},
        footerHeading = "%nExamples:%n",
        footer = {
                "  shard-move --config shards.yml import --from legacy --key-column customer_id",
                "  shard-move --config shards.yml import --resume --job 3",
                "  shard-move --config shards.yml --output json import --status"})
final class ImportCommand extends Commands.Sub {
    @Option(names = "--from", paramLabel = "DATABASE", description = "The database to import (its name in databases).")
    String from;

    @Option(names = "--from-schema", paramLabel = "SCHEMA", description = "Its schema. Default: the database's default schema.")
    String fromSchema;

    @Option(names = "--key-column", paramLabel = "COLUMN", description = "The shard-key column every table has, e.g. customer_id.")
    String keyColumn;

    @Option(names = "--table", paramLabel = "TABLE", description = "Only this table (repeatable). Default: every table"
            + " of the schema except Shardkit's and Flyway's.")
    List<String> tables;

    @Option(names = "--batch-size", paramLabel = "N", description = "Rows per copy batch and verify chunk, 1 to 100000. Default: 1000.")
    Integer batchSize;

    @Option(names = "--resume", description = "Run the import job --job on from the step it recorded.")
    boolean resume;

    @Option(names = "--cancel", description = "Undo the import job --job (not DONE): its rows leave the shards, the source opens.")
    boolean cancel;

    @Option(names = "--verify", description = "Compare the shards with the source again, for the import job --job (exit 1 on a mismatch).")
    boolean verify;

    @Option(names = "--status", description = "List the import jobs (or only --job).")
    boolean status;

    @Option(names = "--job", paramLabel = "N", description = "The import job's id (see --status).")
    Long job;

    @Override
    public Integer call() {
        int actions = (resume ? 1 : 0) + (cancel ? 1 : 0) + (verify ? 1 : 0) + (status ? 1 : 0);
        if (actions > 1) throw usage("choose one of --resume, --cancel, --verify, --status");
        boolean starting = actions == 0;
        if (starting && (from == null || keyColumn == null)) {
            throw usage("an import needs --from DATABASE and --key-column COLUMN (or --resume, --cancel, --verify,"
                    + " --status with --job N)");
        }
        if (starting && job != null) throw usage("--job goes with --resume, --cancel, --verify or --status");
        if (!starting && (from != null || fromSchema != null || keyColumn != null || tables != null)) {
            throw usage("--from, --from-schema, --key-column and --table start an import; a job has its own");
        }
        if ((resume || cancel || verify) && job == null) throw usage("--resume, --cancel and --verify need --job N");
        if (batchSize != null && (batchSize < 1 || batchSize > 100_000)) {
            throw usage("Invalid value for option '--batch-size': " + batchSize + " is not between 1 and 100000");
        }
        return parent.run("import", spec, batchSize, (mover, out, err) -> {
            var imports = mover.imports().onState(ImportOutput.progress(err));
            if (status) {
                List<io.shardkit.move.ImportJob> jobs = job == null ? imports.jobs() : List.of(imports.job(job));
                out.print(parent.json() ? ImportOutput.jobsJson("import", jobs) + "\n" : ImportOutput.jobsText(jobs));
                return ExitCodes.OK;
            }
            if (cancel) {
                var cancelled = imports.cancel(job);
                out.print(parent.json() ? ImportOutput.jobsJson("import", List.of(cancelled)) + "\n"
                        : ImportOutput.jobsText(List.of(cancelled)));
                err.println("import job " + job + " cancelled: its rows are deleted from the shards; "
                        + cancelled.from() + " takes writes again");
                return ExitCodes.OK;
            }
            io.shardkit.move.ImportReport report = verify ? imports.verify(job) : resume ? imports.resume(job)
                    : imports.start(new io.shardkit.move.ImportRequest(from, fromSchema, keyColumn, tables));
            int code = report.clean() ? ExitCodes.OK : ExitCodes.ERROR;
            var state = imports.job(report.job());
            out.print(parent.json() ? ImportOutput.json("import", report, state, code) + "\n" : ImportOutput.text(report, state));
            if (!verify) {
                err.println("import job " + report.job() + ": " + report.rows() + " rows imported into topology version "
                        + report.version() + "; " + report.from() + " stays fenced — point the service at the cluster");
            }
            return code;
        });
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
