package io.shardkit.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** shardkit-bom manages every published Shardkit module, at the project's version. */
class BomTest {
    private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");
    private static final Pattern MANAGED = Pattern.compile(
            "<artifactId>([^<]+)</artifactId><version>([^<]+)</version>");

    @Test
    void theBomListsEveryLibraryModuleAtTheProjectVersion() throws Exception {
        Path root = Path.of("..").toAbsolutePath().normalize();
        String parent = Files.readString(root.resolve("pom.xml"));
        String version = firstVersion(parent);

        Set<String> libraries = new TreeSet<>();
        for (Matcher m = MODULE.matcher(parent); m.find(); ) {
            String module = m.group(1);
            if (module.startsWith("shard-")) libraries.add(module); // samples, benchmarks and the BOM are not published libraries
        }
        String bom = Files.readString(root.resolve("shardkit-bom/pom.xml"));
        var managed = new TreeMap<String, String>();
        for (Matcher m = MANAGED.matcher(bom); m.find(); ) managed.put(m.group(1), m.group(2));

        assertEquals(libraries, managed.keySet(), "modules the BOM manages");
        List<String> wrong = new ArrayList<>();
        managed.forEach((artifact, v) -> {
            if (!v.equals(version)) wrong.add(artifact + " at " + v);
        });
        assertEquals(List.of(), wrong, "the project is at " + version);
        assertEquals(version, firstVersion(bom), "the BOM's own version");
    }

    /** The first {@code <version>} after the artifactId: the project's own. */
    private static String firstVersion(String pom) {
        Matcher m = Pattern.compile("</artifactId>\\s*<version>([^<]+)</version>").matcher(pom);
        if (!m.find()) throw new AssertionError("no version in pom");
        return m.group(1);
    }
}
