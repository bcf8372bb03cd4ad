package io.shardkit.move.cli;

/** What {@code shard-move} exits with. Listed in {@code --help} and the README. */
public final class ExitCodes {
    /** The command did what it was asked (a move reached SWITCHED, a job was cancelled or finished, a listing printed). */
    public static final int OK = 0;
    /** The move was refused (the message says why; nothing changed), or failed and was undone, or anything else failed. */
    public static final int ERROR = 1;
    /** The command line or the configuration is wrong; nothing was touched. */
    public static final int USAGE = 2;

    /** The lines of {@code --help}'s exit code list, as picocli's {@code key:description}. */
    static final String[] HELP = {
            OK + ":done: the move switched, the job was cancelled or finished, the listing printed",
            ERROR + ":refused (nothing changed) or failed (undone); the message says why",
            USAGE + ":usage or configuration error; nothing was touched",
    };

    private ExitCodes() {
    }
}
