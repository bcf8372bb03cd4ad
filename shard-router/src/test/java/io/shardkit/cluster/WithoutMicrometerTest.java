package io.shardkit.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Micrometer is optional: a cluster without a registry builds, routes, runs repositories, sessions and replica
 * reads in a JVM class loader that holds the whole test class path except Micrometer's jars (its parent sees the JDK
 * only, so nothing leaks in from the application loader or the test's module layer). The JVM verifies the classes it loads there, so a
 * method whose body needed Micrometer types to verify would fail here too.
 */
class WithoutMicrometerTest {

    @Test
    void aClusterWithoutARegistryRunsWithNoMicrometerOnTheClassPath() throws Exception {
        List<URL> urls = new ArrayList<>();
        for (String entry : classPath()) {
            if (entry.replace('\\', '/').contains("/io/micrometer/")) continue;
            urls.add(new File(entry).toURI().toURL());
        }
        assertFalse(urls.isEmpty());
        try (URLClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new), jdkOnly())) {
            Class<?> main = loader.loadClass(WithoutMicrometer.class.getName());
            assertNotSame(WithoutMicrometer.class, main, "loaded apart from the test's own classes");
            Object result = main.getMethod("run", String.class).invoke(null,
                    "jdbc:h2:mem:no_micrometer_" + UUID.randomUUID().toString().substring(0, 8));
            assertEquals(List.of("v7", "0", "2", "3", "false", "10"), result);
        }
    }

    /**
     * The JDK's classes and nothing else. Not the platform loader itself: it hands a package of a boot-layer module
     * (the module under test, Micrometer's when surefire runs on the module path) to that module's loader.
     */
    private static ClassLoader jdkOnly() {
        ClassLoader platform = ClassLoader.getPlatformClassLoader();
        return new ClassLoader(null) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                for (String jdk : List.of("java.", "javax.", "jdk.", "sun.", "com.sun.", "org.w3c.", "org.xml.", "org.ietf.")) {
                    if (name.startsWith(jdk)) return platform.loadClass(name);
                }
                throw new ClassNotFoundException(name);
            }
        };
    }

    /** The test's class path and module path entries, as surefire runs them. */
    private static Set<String> classPath() {
        Set<String> entries = new LinkedHashSet<>();
        for (String property : List.of("jdk.module.path", "surefire.test.class.path", "java.class.path")) {
            String value = System.getProperty(property);
            if (value == null) continue;
            for (String e : value.split(File.pathSeparator)) if (!e.isBlank()) entries.add(e);
        }
        return entries;
    }
}
