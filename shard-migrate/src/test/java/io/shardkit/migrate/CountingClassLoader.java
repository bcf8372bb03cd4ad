package io.shardkit.migrate;

import java.io.IOException;
import java.net.URL;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Delegates to its parent and counts every resource lookup by name: how often Flyway scans or reads a location. */
final class CountingClassLoader extends ClassLoader {
    private final Map<String, AtomicInteger> lookups = new ConcurrentHashMap<>();

    CountingClassLoader(ClassLoader parent) {
        super(parent);
    }

    @Override
    public URL getResource(String name) {
        count(name);
        return super.getResource(name);
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
        count(name);
        return super.getResources(name);
    }

    private void count(String name) {
        lookups.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
    }

    /** Lookups of names starting with {@code prefix}, summed. */
    int lookups(String prefix) {
        return lookups.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                .mapToInt(e -> e.getValue().get()).sum();
    }

    Map<String, Integer> snapshot() {
        Map<String, Integer> out = new java.util.TreeMap<>();
        lookups.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    List<String> names() {
        return List.copyOf(lookups.keySet());
    }
}
