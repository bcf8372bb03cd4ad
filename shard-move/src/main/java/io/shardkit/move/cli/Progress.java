package io.shardkit.move.cli;

import io.shardkit.move.MoveJob;
import java.io.PrintWriter;
import java.util.function.Consumer;

/** One line on stderr per step a job reaches, e.g. {@code job 7: COPYING}. */
final class Progress implements Consumer<MoveJob> {
    private final PrintWriter err;

    Progress(PrintWriter err) {
        this.err = err;
    }

    @Override
    public void accept(MoveJob job) {
        err.println(line(job));
        err.flush();
    }

    /** {@code job 7: COPYING}, and the step's note when it has one. */
    static String line(MoveJob job) {
        return "job " + job.id() + ": " + job.state() + (job.detail() == null || job.detail().isBlank() ? "" : " — " + job.detail());
    }
}
