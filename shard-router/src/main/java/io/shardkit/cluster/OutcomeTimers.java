package io.shardkit.cluster;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One timer name with fixed tags, split by {@code outcome} (success|error) and {@code exception} (the simple name of
 * the exception's class, or none). The success timer is registered up front so that the common path does no lookup.
 */
final class OutcomeTimers {
    private final MeterRegistry registry;
    private final String name;
    private final String description;
    private final Tags tags;
    private final Timer success;
    private final Map<Class<?>, Timer> errors = new ConcurrentHashMap<>();

    OutcomeTimers(MeterRegistry registry, String name, String description, Tags tags) {
        this.registry = registry;
        this.name = name;
        this.description = description;
        this.tags = tags;
        this.success = timer("success", "none");
    }

    void record(long nanos, Throwable error) {
        Timer t = error == null ? success
                : errors.computeIfAbsent(error.getClass(), c -> timer("error", c.getSimpleName().isEmpty() ? c.getName() : c.getSimpleName()));
        t.record(nanos, TimeUnit.NANOSECONDS);
    }

    private Timer timer(String outcome, String exception) {
        return Timer.builder(name).description(description).tags(tags).tag("outcome", outcome).tag("exception", exception)
                .register(registry);
    }
}
