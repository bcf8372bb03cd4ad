package io.shardkit.cluster;

import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Like {@link OutcomeTimers}, but as function timers over two adders per outcome: a count and a total time, read when
 * the registry publishes. For calls on the routing path (repository invocations), where a full timer's maximum window
 * and histogram cost more than the call itself; the statements under them keep full timers.
 */
final class CallCounters {
    private static final class Counts {
        final LongAdder calls = new LongAdder();
        final LongAdder nanos = new LongAdder();
    }

    private final MeterRegistry registry;
    private final String name;
    private final String description;
    private final Tags tags;
    private final Counts success;
    private final Map<Class<?>, Counts> errors = new ConcurrentHashMap<>();

    CallCounters(MeterRegistry registry, String name, String description, Tags tags) {
        this.registry = registry;
        this.name = name;
        this.description = description;
        this.tags = tags;
        this.success = register("success", "none");
    }

    void record(long nanos, Throwable error) {
        Counts c = error == null ? success
                : errors.computeIfAbsent(error.getClass(), k -> register("error", k.getSimpleName().isEmpty() ? k.getName() : k.getSimpleName()));
        c.calls.increment();
        c.nanos.add(nanos);
    }

    /** The registry keeps a weak reference to the counts; this object (held by the repository proxy) the strong one. */
    private Counts register(String outcome, String exception) {
        Counts c = new Counts();
        FunctionTimer.builder(name, c, x -> x.calls.sum(), x -> x.nanos.sum(), TimeUnit.NANOSECONDS)
                .description(description).tags(tags).tag("outcome", outcome).tag("exception", exception).register(registry);
        return c;
    }
}
