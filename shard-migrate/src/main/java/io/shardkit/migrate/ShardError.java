package io.shardkit.migrate;

import java.util.Objects;
import java.util.Optional;

/**
 * Why a command failed on a shard, or why its history is invalid.
 *
 * @param message   Flyway's message, complete (it may span lines: migration, SQL state, statement, location)
 * @param migration the script that failed, when one did ({@code V4__add_ledger.sql})
 * @param sqlState  the SQL state of the database error, when there was one ({@code 22012})
 * @param cause     the exception, for stack traces; empty for validation problems
 */
public record ShardError(String message, Optional<String> migration, Optional<String> sqlState, Optional<Throwable> cause) {
    public ShardError {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(migration, "migration");
        Objects.requireNonNull(sqlState, "sqlState");
        Objects.requireNonNull(cause, "cause");
    }

    /**
     * One line for progress output: the database's own message when Flyway reports one (its {@code Message :}
     * line), else the first line of the message; with the failed script when known.
     */
    public String summary() {
        String line = null;
        for (String l : message.split("\\R")) {
            String t = l.strip();
            if (t.startsWith("Message") && t.contains(":")) {
                line = t.substring(t.indexOf(':') + 1).strip();
                break;
            }
            if (line == null && !t.isEmpty()) line = t;
        }
        if (line == null) line = "(no message)";
        String text = line;
        return migration.filter(m -> !text.contains(m)).map(m -> text + " (" + m + ")").orElse(text);
    }
}
