package io.shardkit.cluster;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Times the routed methods of a repository proxy into {@code shardkit.repository.invocations}; wraps the proxy's
 * handler only when the cluster has a meter registry. Default methods and {@code Object}'s are not timed: a default
 * method's own calls of routed methods are.
 */
final class TimedRepository implements InvocationHandler {
    private final InvocationHandler routed;
    private final Map<Method, CallCounters> timers;
    /**
     * The same timers by the very {@link Method} objects the proxy passes (one per method, for the proxy class's life):
     * an identity lookup, cheaper than {@link Method#equals}. Grown copy-on-write at each method's first call.
     */
    private volatile Map<Method, CallCounters> byIdentity = new java.util.IdentityHashMap<>();

    TimedRepository(InvocationHandler routed, Collection<Method> methods, Function<Method, CallCounters> timersOf) {
        this.routed = routed;
        Map<Method, CallCounters> byMethod = new HashMap<>();
        methods.forEach(m -> byMethod.put(m, timersOf.apply(m)));
        this.timers = Map.copyOf(byMethod);
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        CallCounters t = byIdentity.get(method);
        if (t == null) {
            t = timers.get(method);
            if (t == null) return routed.invoke(proxy, method, args);
            remember(method, t);
        }
        long started = System.nanoTime();
        try {
            Object result = routed.invoke(proxy, method, args);
            t.record(System.nanoTime() - started, null);
            return result;
        } catch (Throwable e) {
            t.record(System.nanoTime() - started, e);
            throw e;
        }
    }

    private synchronized void remember(Method method, CallCounters t) {
        Map<Method, CallCounters> grown = new java.util.IdentityHashMap<>(byIdentity);
        grown.put(method, t);
        byIdentity = grown;
    }
}
