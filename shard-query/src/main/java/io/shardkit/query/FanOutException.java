package io.shardkit.query;

import io.shardkit.router.ShardException;
import java.util.List;

/** A fan-out that did not complete on every shard it needed, with the outcome of each. */
public final class FanOutException extends ShardException {
    private final List<QueryOutcome> outcomes;

    public FanOutException(String message, List<QueryOutcome> outcomes, Throwable cause) {
        this(codeOf(cause), message, outcomes, cause);
    }

    public FanOutException(Code code, String message, List<QueryOutcome> outcomes, Throwable cause) {
        super(code, message, cause);
        this.outcomes = List.copyOf(outcomes);
    }

    /** A shard's own code (TIMEOUT, …) when a shard's failure is the cause; an interrupt is INTERRUPTED; else DATABASE. */
    private static Code codeOf(Throwable cause) {
        if (cause instanceof ShardException s) return s.code();
        if (cause instanceof InterruptedException) return Code.INTERRUPTED;
        return Code.DATABASE;
    }

    public List<QueryOutcome> outcomes() {
        return outcomes;
    }
}
