package io.shardkit.migrate;

import io.shardkit.router.ShardException;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.ClassProvider;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.ResourceProvider;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.migration.JavaMigration;
import org.flywaydb.core.api.resource.LoadableResource;
import org.flywaydb.core.internal.scanner.Scanner;

/**
 * The migrations under some locations, scanned once and read into memory: the resource and class provider that
 * every shard's Flyway is given, so no shard scans or reads a file again. Immutable and therefore safe to share
 * between Flyway instances running at once (Flyway parses each script per shard, since placeholders differ).
 */
final class ScannedMigrations implements ResourceProvider, ClassProvider<JavaMigration> {
    private final List<LoadableResource> resources;
    private final Map<String, LoadableResource> byRelativePath;
    private final List<Class<? extends JavaMigration>> classes;

    private ScannedMigrations(List<LoadableResource> resources, List<Class<? extends JavaMigration>> classes) {
        this.resources = List.copyOf(resources);
        this.classes = List.copyOf(classes);
        Map<String, LoadableResource> map = new HashMap<>();
        // Flyway's own scanner looks resources up by relative path, ignoring case.
        for (LoadableResource r : this.resources) map.put(r.getRelativePath().toLowerCase(Locale.ROOT), r);
        this.byRelativePath = Map.copyOf(map);
    }

    /** Scans {@code locations} through {@code classLoader}; a location that does not exist is an error. */
    static ScannedMigrations scan(ClassLoader classLoader, List<String> locations) {
        FluentConfiguration config = Flyway.configure(classLoader).locations(locations.toArray(String[]::new))
                .failOnMissingLocations(true);
        Scanner<JavaMigration> scanner;
        try {
            scanner = FlywayInternals.scan(config);
        } catch (FlywayException e) {
            throw new ShardException(ShardException.Code.CONFIG, "locations " + locations + ": " + e.getMessage()
                    + " — check the path (a filesystem: location is relative to the working directory) or pass other locations", e);
        }
        List<LoadableResource> snapshots = new ArrayList<>();
        for (LoadableResource r : scanner.getResources("", "")) {
            // A classpath location lists the compiled Java migrations among its resources; Flyway loads those as
            // classes (below), and their bytes are not text.
            if (r.getFilename().endsWith(".class")) continue;
            snapshots.add(new Snapshot(r.getFilename(), r.getRelativePath(), r.getAbsolutePath(), r.getAbsolutePathOnDisk(), text(r)));
        }
        return new ScannedMigrations(snapshots, List.copyOf(scanner.getClasses()));
    }

    private static String text(LoadableResource r) {
        try (Reader in = r.read()) {
            StringBuilder sb = new StringBuilder();
            char[] buf = new char[8192];
            for (int n; (n = in.read(buf)) > 0; ) sb.append(buf, 0, n);
            return sb.toString();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read migration " + r.getAbsolutePath(), e);
        }
    }

    /** Every scanned resource (SQL migrations, callbacks), sorted by relative path. */
    List<LoadableResource> resources() {
        return resources;
    }

    @Override
    public LoadableResource getResource(String name) {
        return byRelativePath.get(name.toLowerCase(Locale.ROOT));
    }

    @Override
    public Collection<LoadableResource> getResources(String prefix, String[] suffixes) {
        List<LoadableResource> out = new ArrayList<>();
        for (LoadableResource r : resources) {
            String name = r.getFilename();
            if (!name.startsWith(prefix)) continue;
            for (String suffix : suffixes) {
                if (name.endsWith(suffix) && name.length() > prefix.length() + suffix.length()) {
                    out.add(r);
                    break;
                }
            }
        }
        return out;
    }

    @Override
    public Collection<Class<? extends JavaMigration>> getClasses() {
        return classes;
    }

    /** A resource's text as read once; {@link #read()} replays it. */
    private static final class Snapshot extends LoadableResource {
        private final String filename;
        private final String relativePath;
        private final String absolutePath;
        private final String absolutePathOnDisk;
        private final String text;

        Snapshot(String filename, String relativePath, String absolutePath, String absolutePathOnDisk, String text) {
            this.filename = filename;
            this.relativePath = relativePath;
            this.absolutePath = absolutePath;
            this.absolutePathOnDisk = absolutePathOnDisk;
            this.text = text;
        }

        @Override
        public Reader read() {
            return new StringReader(text);
        }

        @Override
        public String getAbsolutePath() {
            return absolutePath;
        }

        @Override
        public String getAbsolutePathOnDisk() {
            return absolutePathOnDisk;
        }

        @Override
        public String getFilename() {
            return filename;
        }

        @Override
        public String getRelativePath() {
            return relativePath;
        }
    }
}
