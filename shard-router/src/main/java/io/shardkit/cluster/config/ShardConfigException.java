package io.shardkit.cluster.config;

import io.shardkit.router.ShardException;
import java.util.List;

/** A cluster description that cannot be started, with every problem found (not just the first). */
public final class ShardConfigException extends ShardException {
    private final List<String> problems;

    public ShardConfigException(List<String> problems, List<String> warnings) {
        super(Code.CONFIG, message(problems, warnings));
        this.problems = List.copyOf(problems);
    }

    /** Each problem, as {@code "property: what is wrong — what to do"}. */
    public List<String> problems() {
        return problems;
    }

    private static String message(List<String> problems, List<String> warnings) {
        StringBuilder sb = new StringBuilder("invalid shard configuration (" + problems.size()
                + (problems.size() == 1 ? " problem" : " problems") + "):");
        problems.forEach(p -> sb.append("\n  - ").append(p));
        warnings.forEach(w -> sb.append("\n  (warning) ").append(w));
        return sb.toString();
    }
}
