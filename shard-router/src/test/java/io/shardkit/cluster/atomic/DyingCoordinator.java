package io.shardkit.cluster.atomic;

import io.shardkit.cluster.ShardCluster;
import io.shardkit.test.Engine;
import io.shardkit.test.TestDatabase;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A coordinator in a process of its own, for the fault tests: it commits a few transfers, then one more whose commit
 * it stops at a step — it prints {@code AT <step> <transaction> <database>} and waits for a line on stdin, which a kill
 * test never sends — and last prints {@code OUTCOME <COMMITTED|ROLLED_BACK|IN_DOUBT|FAILED> <transaction>}.
 *
 * <p>Arguments: cluster name, step, warm-up transfers, the doomed transfer's shards ({@code 0,1,2}), then url, user
 * and password of each database.
 */
public final class DyingCoordinator {
    /** Tags the coordinator's sessions in {@code pg_stat_activity}. */
    static final String APPLICATION = "dying-coordinator";

    private DyingCoordinator() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        AtomicStep at = AtomicStep.valueOf(args[1]);
        int warmUp = Integer.parseInt(args[2]);
        List<Integer> shards = Arrays.stream(args[3].split(",")).map(Integer::valueOf).toList();
        List<TestDatabase> dbs = new ArrayList<>();
        for (int i = 4; i + 2 < args.length; i += 3) {
            dbs.add(new TestDatabase("db" + dbs.size(), args[i], args[i + 1], args[i + 2], Engine.POSTGRES));
        }
        BankLedger bank = new BankLedger(args[0], dbs);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        AtomicBoolean armed = new AtomicBoolean();
        try (ShardCluster cluster = bank.cluster(APPLICATION)) {
            cluster.atomic().listener((step, transaction, database) -> {
                // the first time the doomed transfer reaches the step; other branches' threads go on
                if (step == at && armed.compareAndSet(true, false)) {
                    out.println("AT " + step + " " + transaction + " " + database);
                    try {
                        in.readLine();
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }
            });
            List<Integer> accounts = shards.stream().map(s -> 0).toList();
            for (int i = 0; i <= warmUp; i++) {
                armed.set(i == warmUp);
                String[] id = new String[1];
                String outcome;
                try {
                    cluster.inAtomicTransaction(tx -> {
                        id[0] = tx.id();
                        BankLedger.transfer(tx, tx.id(), shards, accounts, 10);
                        return null;
                    });
                    outcome = "COMMITTED";
                } catch (RolledBackException e) {
                    outcome = "ROLLED_BACK";
                } catch (InDoubtException e) {
                    outcome = "IN_DOUBT";
                } catch (RuntimeException e) {
                    outcome = "FAILED";
                    e.printStackTrace();
                }
                out.println("OUTCOME " + outcome + " " + id[0]);
            }
        }
    }

    /** The parent's side: the started child, its stdout and its stdin. */
    record Child(Process process, BufferedReader out, Writer in) implements AutoCloseable {
        static Child start(BankLedger bank, AtomicStep at, int warmUp, List<Integer> shards) throws IOException {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", classPath(), DyingCoordinator.class.getName(), bank.clusterName(), at.name(),
                    String.valueOf(warmUp), String.join(",", shards.stream().map(String::valueOf).toList())));
            for (TestDatabase d : bank.databases()) cmd.addAll(List.of(d.jdbcUrl(), d.username(), d.password()));
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(
                    new File("target", "dying-coordinator.log"))).start();
            return new Child(p, new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)),
                    new java.io.OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8));
        }

        /** Surefire puts the main classes on the module path: the child runs everything from the class path. */
        private static String classPath() {
            String modules = System.getProperty("jdk.module.path", "");
            String classes = System.getProperty("java.class.path", "");
            return modules.isEmpty() ? classes : modules + File.pathSeparator + classes;
        }

        /** The next line that starts with {@code prefix}, skipping others; fails if the child ends first. */
        String await(String prefix) throws IOException, InterruptedException {
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith(prefix)) return line;
            }
            throw new AssertionError("the coordinator ended (exit " + process.waitFor() + ") before printing " + prefix
                    + "; see target/dying-coordinator.log");
        }

        /** SIGKILL, and waits until it is gone. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            if (!process.waitFor(30, TimeUnit.SECONDS)) throw new AssertionError("the coordinator survived SIGKILL");
        }

        void signal(String signal) throws IOException, InterruptedException {
            int rc = new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid())).start().waitFor();
            if (rc != 0) throw new AssertionError("kill -" + signal + " " + process.pid() + " exited " + rc);
        }

        /** Lets a coordinator stopped at its step go on (once it runs). */
        void release() throws IOException {
            in.write("go\n");
            in.flush();
        }

        @Override
        public void close() throws InterruptedException {
            if (process.isAlive()) kill();
        }
    }
}
