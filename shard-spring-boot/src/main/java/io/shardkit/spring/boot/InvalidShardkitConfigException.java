package io.shardkit.spring.boot;

import java.util.List;

/**
 * The cluster described by {@code shardkit.*} (or by the file at {@code shardkit.config-location}) cannot start;
 * every problem names its Spring property, e.g. {@code shardkit.shards[1].database: unknown database 'db9' — …}.
 * {@link ShardkitConfigFailureAnalyzer} turns it into Spring Boot's start-up report.
 */
public class InvalidShardkitConfigException extends RuntimeException {
    private final List<String> problems;

    public InvalidShardkitConfigException(List<String> problems, Throwable cause) {
        super(message(problems), cause);
        this.problems = List.copyOf(problems);
    }

    /** Each problem as {@code "property: what is wrong — what to do"}. */
    public List<String> problems() {
        return problems;
    }

    private static String message(List<String> problems) {
        StringBuilder sb = new StringBuilder("invalid Shardkit configuration (" + problems.size()
                + (problems.size() == 1 ? " problem" : " problems") + "):");
        problems.forEach(p -> sb.append("\n  - ").append(p));
        return sb.toString();
    }
}
