package io.shardkit.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shardkit.cluster.ShardCluster;
import io.shardkit.migrate.ShardMigrator;
import io.shardkit.query.FanOutQuery;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The API boundary as a user's build sees it: each library artifact is a named module that exports its API
 * packages and nothing else (planners, compiled plans, strategy factories, the CLI and hash internals stay inside).
 */
class ModuleBoundaryTest {

    @Test
    void theRouterExportsRoutingTheClusterAndItsConfigOnly() throws Exception {
        ModuleDescriptor router = descriptorOf(ShardCluster.class);
        assertEquals("io.shardkit.router", router.name());
        assertEquals(Set.of("io.shardkit.router", "io.shardkit.cluster", "io.shardkit.cluster.config",
                "io.shardkit.cluster.topology", "io.shardkit.cluster.atomic"), unqualifiedExports(router));
        assertEquals(new TreeSet<>(Set.of("io.shardkit.router", "io.shardkit.router.internal", "io.shardkit.cluster",
                "io.shardkit.cluster.config", "io.shardkit.cluster.topology", "io.shardkit.cluster.atomic", "io.shardkit.cluster.internal",
                "io.shardkit.cluster.internal.strategy")),
                new TreeSet<>(router.packages()));
    }

    /** The routing contract is pure: its classes name nothing of the runtime, JDBC, pools or jOOQ. */
    @Test
    void theRoutingPackageDependsOnNoRuntime() throws Exception {
        Path location = Path.of(ShardCluster.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> offenders = new ArrayList<>();
        try (FileSystem jar = location.toString().endsWith(".jar") ? FileSystems.newFileSystem(location) : null) {
            Path routing = (jar == null ? location : jar.getPath("/")).resolve("io/shardkit/router");
            try (Stream<Path> classes = Files.walk(routing)) {
                for (Path c : classes.filter(f -> f.toString().endsWith(".class")).toList()) {
                    String constants = new String(Files.readAllBytes(c), StandardCharsets.ISO_8859_1);
                    for (String runtime : List.of("io/shardkit/cluster", "java/sql", "javax/sql", "com/zaxxer", "org/jooq")) {
                        if (constants.contains(runtime)) offenders.add(routing.relativize(c) + " uses " + runtime);
                    }
                }
            }
        }
        assertEquals(List.of(), offenders);
    }

    @Test
    void theFanOutExportsItsApiNotThePlanner() throws Exception {
        ModuleDescriptor query = descriptorOf(FanOutQuery.class);
        assertEquals("io.shardkit.query", query.name());
        assertEquals(Set.of("io.shardkit.query"), unqualifiedExports(query));
        assertEquals(Set.of("io.shardkit.query", "io.shardkit.query.planner"), query.packages());
    }

    @Test
    void theMigratorExportsItsApiNotTheCommandLine() throws Exception {
        ModuleDescriptor migrate = descriptorOf(ShardMigrator.class);
        assertEquals("io.shardkit.migrate", migrate.name());
        assertEquals(Set.of("io.shardkit.migrate"), unqualifiedExports(migrate));
        assertEquals(Set.of("io.shardkit.migrate", "io.shardkit.migrate.cli"), migrate.packages());
    }

    /** The mover exports its API and its shard diff; the fence's trigger class only to H2, which loads it. */
    @Test
    void theMoverExportsItsApiAndTheFenceTriggerOnlyToH2() throws Exception {
        ModuleDescriptor move = descriptorOf(io.shardkit.move.ShardMover.class);
        assertEquals("io.shardkit.move", move.name());
        assertEquals(Set.of("io.shardkit.move", "io.shardkit.move.verify"), unqualifiedExports(move));
        assertEquals(Set.of(Set.of("com.h2database")), move.exports().stream().filter(ModuleDescriptor.Exports::isQualified)
                .map(ModuleDescriptor.Exports::targets).collect(Collectors.toSet()));
        assertEquals(Set.of("io.shardkit.move", "io.shardkit.move.cli", "io.shardkit.move.copy",
                "io.shardkit.move.fence", "io.shardkit.move.ingest", "io.shardkit.move.online", "io.shardkit.move.verify"),
                move.packages());
    }

    /** The descriptor compiled into the jar (or classes directory) a type was loaded from. */
    private static ModuleDescriptor descriptorOf(Class<?> type) throws URISyntaxException {
        Path location = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        Set<ModuleReference> found = ModuleFinder.of(location).findAll();
        assertEquals(1, found.size(), "one module at " + location.getFileName());
        ModuleDescriptor descriptor = found.iterator().next().descriptor();
        assertEquals(false, descriptor.isAutomatic(), descriptor.name() + " has a module-info");
        return descriptor;
    }

    private static Set<String> unqualifiedExports(ModuleDescriptor descriptor) {
        return descriptor.exports().stream().filter(e -> !e.isQualified()).map(ModuleDescriptor.Exports::source)
                .collect(Collectors.toSet());
    }
}
