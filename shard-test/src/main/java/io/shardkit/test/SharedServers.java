package io.shardkit.test;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * At most one server per engine per JVM: started on first use, stopped by one shutdown hook.
 * A server that failed to start is not retried; later callers get the first failure's message.
 * An engine that cannot run here (no Docker) is not a failure: each call aborts with the reason.
 */
final class SharedServers {

    private static final Map<Engine, Slot> SLOTS = new EnumMap<>(Engine.class);

    static {
        for (Engine engine : Engine.values()) {
            SLOTS.put(engine, new Slot(engine));
        }
        Runtime.getRuntime().addShutdownHook(new Thread(SharedServers::stopAll, "shardkit-test-servers-shutdown"));
    }

    private SharedServers() {
    }

    /**
     * Why the engine cannot run in this JVM, without starting anything; empty if it may run.
     *
     * @throws IllegalStateException if the engine's optional library is missing: a build to fix, not a skip
     */
    static Optional<String> unavailableReason(Engine engine) {
        OptionalLibrary.require(engine);
        return engine == Engine.POSTGRES_CONTAINER ? DockerPostgres.unavailableReason() : Optional.empty();
    }

    static ShardServer get(Engine engine) {
        OptionalLibrary.require(engine);
        return SLOTS.get(engine).get();
    }

    private static void stopAll() {
        for (Slot slot : SLOTS.values()) {
            slot.stop();
        }
    }

    /** One engine's server; its own lock, so a slow PostgreSQL start does not hold up MariaDB. */
    private static final class Slot {

        private final Engine engine;
        // volatile: the shutdown hook reads it without the lock, so it never waits on a start in progress.
        private volatile ShardServer server;
        private RuntimeException failure;

        Slot(Engine engine) {
            this.engine = engine;
        }

        synchronized ShardServer get() {
            if (server != null) {
                return server;
            }
            if (failure != null) {
                throw new IllegalStateException("[" + engine + "] server failed to start earlier in this JVM and is not retried: "
                        + failure.getMessage(), failure);
            }
            try {
                server = switch (engine) {
                    case H2 -> new H2Databases();
                    case POSTGRES -> PostgresServer.startEmbedded();
                    case MARIADB -> MariaDbServer.start();
                    case POSTGRES_CONTAINER -> DockerPostgres.start();
                };
            } catch (RuntimeException e) {
                // An engine that cannot run here aborts again on each call (Testcontainers caches its answer);
                // only a real failure is kept. Told apart without naming JUnit's abort, which may be absent.
                if (unavailableReason(engine).isEmpty()) {
                    failure = e;
                }
                throw e;
            }
            return server;
        }

        void stop() {
            ShardServer running = server;
            if (running != null) {
                running.stop();
            }
        }
    }
}
