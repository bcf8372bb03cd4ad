package io.shardkit.query;

import io.shardkit.router.ShardException;
import java.util.List;

/** A fan-out that did not complete on every shard it needed, with the outcome of each. */
public final class FanOutException extends ShardException {
    private final List<ShardOutcome> outcomes;

    public FanOutException(String message, List<ShardOutcome> outcomes, Throwable cause) {
        super(Code.DATABASE, message, cause);
        this.outcomes = List.copyOf(outcomes);
    }

    public List<ShardOutcome> outcomes() {
        return outcomes;
    }
}
