package io.shardkit.test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The processes of one PostgreSQL server — the postmaster and everything it forked (backends, WAL writer,
 * checkpointer, WAL senders and receivers, ...) — and the signals behind the faults of {@link ReplicatedPostgres}:
 * SIGKILL for a crash, SIGSTOP and SIGCONT for a hang. Linux only: it reads {@code /proc} and runs {@code kill}.
 *
 * <p>Zonky starts the postmaster through {@code pg_ctl}, which exits once the server is up, so the postmaster is no
 * child of the JVM: it is found by the PID in its {@code postmaster.pid}. Under root zonky runs it in a user
 * namespace ({@code unshare -U}); signals from the JVM's user still reach it.
 */
final class ServerProcesses {

    private static final Logger log = LoggerFactory.getLogger(ServerProcesses.class);

    /** How long a killed server may take to be gone, or a signalled process to show that it stopped or went on. */
    static final Duration SIGNAL_WAIT = Duration.ofSeconds(30);
    private static final long POLL_MILLIS = 5;

    private ServerProcesses() {
    }

    /** The postmaster's PID: the first line of {@code postmaster.pid} in its data directory. */
    static long postmasterPid(Path dataDirectory, String role) {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        try {
            List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
            return Long.parseLong(lines.get(0).trim());
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("[" + role + "] could not read the postmaster's PID from the first line of "
                    + pidFile + ": " + e + " — is the server running?", e);
        }
    }

    /** The postmaster, then every process it forked that is still there; empty if the postmaster is gone. */
    static List<ProcessHandle> tree(long postmasterPid) {
        Optional<ProcessHandle> postmaster = ProcessHandle.of(postmasterPid).filter(h -> !gone(h));
        if (postmaster.isEmpty()) {
            return List.of();
        }
        List<ProcessHandle> all = new ArrayList<>();
        all.add(postmaster.get());
        postmaster.get().descendants().filter(h -> !gone(h)).forEach(all::add);
        return all;
    }

    /**
     * SIGKILLs the postmaster and every process it had forked, and waits until all are gone: only then may a new
     * postmaster take the port and the shared memory. The children are killed too, as in a crash of the machine, so
     * none lingers in a long query. The postmaster gets SIGSTOP first, so it forks no backend between the listing of
     * its children and their kill (once it is dead they belong to init and cannot be told apart).
     */
    static void kill(String role, long postmasterPid) {
        List<ProcessHandle> postmaster = tree(postmasterPid).stream().limit(1).toList();
        if (postmaster.isEmpty()) {
            throw new IllegalStateException("[" + role + "] cannot kill the postmaster: no process " + postmasterPid
                    + " — did it die already?");
        }
        signal(role, "STOP", postmaster);
        awaitState(role, postmaster, true);
        List<ProcessHandle> processes = tree(postmasterPid);
        // ProcessHandle checks each process's start time, so a PID reused meanwhile is not hit.
        processes.forEach(ProcessHandle::destroyForcibly);
        long deadline = System.nanoTime() + SIGNAL_WAIT.toNanos();
        while (true) {
            List<Long> left = processes.stream().filter(h -> !gone(h)).map(ProcessHandle::pid).toList();
            if (left.isEmpty()) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("[" + role + "] processes " + left + " still there " + SIGNAL_WAIT.toSeconds()
                        + " s after SIGKILL — check for a process stuck in the kernel (state D in ps)");
            }
            sleep(role);
        }
    }

    /**
     * Deletes the lock files of a killed postmaster — {@code postmaster.pid} and the one beside its Unix socket, if
     * they still name {@code killedPid} — as PostgreSQL does itself for a lock file whose PID is dead. It cannot tell
     * a zombie from a live process, though, and a killed postmaster stays a zombie until init reaps it (a moment on
     * most machines, never under some container inits), so a restart would stop at "lock file already exists". A
     * zombie holds neither port nor shared memory.
     */
    static void removeLockFiles(String role, Path dataDirectory, long killedPid) {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        List<String> lines;
        try {
            lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return; // none left
        }
        if (lines.isEmpty() || !lines.get(0).trim().equals(Long.toString(killedPid))) {
            return;
        }
        // Line 4 is the port, line 5 the first socket directory (empty if there is none).
        if (lines.size() >= 5 && !lines.get(4).isBlank()) {
            Path socketLock = Path.of(lines.get(4).trim(), ".s.PGSQL." + lines.get(3).trim() + ".lock");
            deleteIfNaming(role, socketLock, killedPid);
        }
        deleteIfNaming(role, pidFile, killedPid);
    }

    private static void deleteIfNaming(String role, Path lockFile, long pid) {
        try {
            List<String> lines = Files.readAllLines(lockFile, StandardCharsets.UTF_8);
            if (!lines.isEmpty() && lines.get(0).trim().equals(Long.toString(pid))) {
                Files.deleteIfExists(lockFile);
            }
        } catch (IOException e) {
            log.warn("[{}] could not delete the lock file {} of the killed postmaster {}; a restart may refuse to start while "
                    + "init has not reaped it: {}", role, lockFile, pid, e.toString());
        }
    }

    /**
     * SIGSTOPs the postmaster, then the processes it forked, again until no new one appears (one forked just before
     * the postmaster stopped), and waits until each shows as stopped.
     *
     * @return every process stopped, for {@link #thaw}
     */
    static Set<ProcessHandle> freeze(String role, long postmasterPid) {
        Set<ProcessHandle> stopped = new LinkedHashSet<>();
        while (true) {
            List<ProcessHandle> fresh = tree(postmasterPid).stream().filter(h -> !stopped.contains(h)).toList();
            if (fresh.isEmpty()) {
                break;
            }
            signal(role, "STOP", fresh);
            stopped.addAll(fresh);
        }
        if (stopped.isEmpty()) {
            throw new IllegalStateException("[" + role + "] cannot freeze the server: no process " + postmasterPid
                    + " — did it die?");
        }
        awaitState(role, stopped, true);
        return stopped;
    }

    /** SIGCONTs what {@link #freeze} stopped and whatever the postmaster has forked since, and waits until none shows as stopped. */
    static void thaw(String role, Collection<ProcessHandle> frozen, long postmasterPid) {
        Set<ProcessHandle> all = new LinkedHashSet<>(frozen);
        all.addAll(tree(postmasterPid));
        List<ProcessHandle> alive = all.stream().filter(h -> !gone(h)).toList();
        if (alive.isEmpty()) {
            return;
        }
        signal(role, "CONT", alive);
        awaitState(role, alive, false);
    }

    /** Dead, or a zombie (init may never reap it, but it holds no port and no shared memory any more). */
    private static boolean gone(ProcessHandle process) {
        if (!process.isAlive()) {
            return true;
        }
        char state = state(process.pid());
        return state == 'Z' || state == 'X' || state == '?';
    }

    /** The state letter of /proc/PID/stat (R, S, D, T, Z, ...), or '?' if the process is gone. */
    private static char state(long pid) {
        try {
            // One line; readAllLines, since readString/readAllBytes may stop short on /proc files.
            String stat = String.join(" ", Files.readAllLines(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.UTF_8));
            // "pid (command) S ...": the command may hold spaces and parentheses, so after the last ')'.
            return stat.charAt(stat.lastIndexOf(')') + 2);
        } catch (IOException | RuntimeException e) {
            return '?';
        }
    }

    /** Runs {@code kill -SIGNAL pid...}; a process gone meanwhile is fine, the callers check the state of the rest. */
    private static void signal(String role, String signal, List<ProcessHandle> processes) {
        List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
        processes.forEach(h -> command.add(Long.toString(h.pid())));
        try {
            Process kill = new ProcessBuilder(command).redirectErrorStream(true).start();
            kill.getOutputStream().close();
            String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!kill.waitFor(SIGNAL_WAIT.toSeconds(), TimeUnit.SECONDS)) {
                kill.destroyForcibly();
                throw new IllegalStateException("[" + role + "] `" + String.join(" ", command) + "` did not return");
            }
            if (kill.exitValue() != 0) {
                if (output.contains("not permitted")) {
                    throw new IllegalStateException("[" + role + "] `" + String.join(" ", command) + "` failed: " + output
                            + " — the JVM's user must be allowed to signal the server's processes");
                }
                // A backend that exited in between; awaitState tells whether the live ones got the signal.
                log.debug("[{}] `{}` exited with {}: {}", role, String.join(" ", command), kill.exitValue(), output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("[" + role + "] could not run `" + String.join(" ", command) + "`: " + e
                    + " — the fault controls need Linux with kill(1) on the PATH", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("[" + role + "] interrupted while sending SIG" + signal, e);
        }
    }

    /** Until every live one of the processes is stopped (state T), or none is. */
    private static void awaitState(String role, Collection<ProcessHandle> processes, boolean stopped) {
        long deadline = System.nanoTime() + SIGNAL_WAIT.toNanos();
        while (true) {
            List<Long> wrong = processes.stream().filter(h -> (state(h.pid()) == 'T') != stopped && !gone(h))
                    .map(ProcessHandle::pid).toList();
            if (wrong.isEmpty()) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("[" + role + "] processes " + wrong + (stopped ? " not stopped " : " still stopped ")
                        + SIGNAL_WAIT.toSeconds() + " s after SIG" + (stopped ? "STOP" : "CONT")
                        + " — does this user own them (kill -" + (stopped ? "STOP" : "CONT") + " must be allowed)?");
            }
            sleep(role);
        }
    }

    private static void sleep(String role) {
        try {
            Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("[" + role + "] interrupted while waiting for its processes", e);
        }
    }
}
