package io.shardkit.migrate.cli;

import io.shardkit.test.EmbeddedShards;
import io.shardkit.test.TestDatabase;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.BooleanSupplier;
import picocli.CommandLine;

/** Runs {@code shard-migrate} in-process with captured stdout and stderr, and writes shards.yml files for it. */
public final class Cli {
    /** What one run printed and returned. */
    public record Run(int exitCode, String out, String err) {
        /** Both streams, for messages of failed assertions. */
        public String all() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private Cli() {
    }

    /** The cells of {@code shard}'s row in a text table (cells are separated by two spaces or more). */
    public static java.util.List<String> row(String table, String shard) {
        return table.lines().filter(l -> l.startsWith(shard + " ")).findFirst()
                .map(l -> java.util.List.of(l.split(" {2,}")))
                .orElseThrow(() -> new AssertionError("no row for " + shard + " in\n" + table));
    }

    public static Run run(Map<String, String> env, String... args) {
        return run(env, () -> false, args);
    }

    public static Run run(Map<String, String> env, BooleanSupplier stop, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = ShardMigrateCli.commandLine(env::get, stop);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /**
     * A shards.yml in {@code dir} for these databases (shards s0.., password from ${SHARD_PASSWORD}, small pools),
     * whose migrations are read from {@code dir/migrations}. {@code extra} is appended as is.
     */
    public static Path shardsYml(Path dir, EmbeddedShards databases, String extra) {
        StringBuilder yml = new StringBuilder("databases:\n");
        for (int i = 0; i < databases.databases().size(); i++) {
            TestDatabase db = databases.database(i);
            yml.append("  db").append(i).append(": { url: \"").append(db.jdbcUrl()).append("\", username: ")
                    .append(db.username()).append(", password: \"${SHARD_PASSWORD}\", pool: { maximumPoolSize: 3, minimumIdle: 0 } }\n");
        }
        yml.append("shards:\n");
        for (int i = 0; i < databases.databases().size(); i++) {
            yml.append("  - { id: s").append(i).append(", database: db").append(i).append(" }\n");
        }
        yml.append("strategy: { type: jump }\n").append(extra);
        try {
            Files.createDirectories(dir);
            return Files.writeString(dir.resolve("shards.yml"), yml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
