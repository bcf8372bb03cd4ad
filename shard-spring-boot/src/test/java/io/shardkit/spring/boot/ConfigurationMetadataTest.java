package io.shardkit.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardkit.cluster.config.ClusterConfig;
import java.io.InputStream;
import java.lang.reflect.RecordComponent;
import java.net.URL;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The metadata IDEs complete {@code shardkit.*} from: the starter's own settings (generated from
 * {@link ShardkitProperties}) and the cluster description bound by hand onto {@link ClusterConfig} (written in
 * additional-spring-configuration-metadata.json), which must follow the records when a section or field is added.
 */
class ConfigurationMetadataTest {

    @Test
    void everyShardkitKeyIsDescribedWithItsType() throws Exception {
        Map<String, JsonNode> properties = shardkitProperties();
        List<String> expected = new ArrayList<>(List.of("shardkit.config-location", "shardkit.migration.on-startup",
                "shardkit.migration.locations", "shardkit.health.down-when", "shardkit.health.timeout",
                "shardkit.health.interval", "shardkit.atomic.check-on-startup", "shardkit.atomic.recover-every"));
        for (RecordComponent section : ClusterConfig.class.getRecordComponents()) {
            String name = "shardkit." + ClusterConfigSource.kebab(section.getName());
            Class<?> type = section.getType();
            if (!type.isRecord()) {
                expected.add(name); // a map or list of entries, or a single value
                continue;
            }
            for (RecordComponent field : type.getRecordComponents()) {
                expected.add(name + "." + ClusterConfigSource.kebab(field.getName()));
            }
        }
        assertThat(properties.keySet()).containsExactlyInAnyOrderElementsOf(expected);
        properties.forEach((name, p) -> {
            assertThat(p.path("type").asText()).as(name + " type").isNotEmpty();
            assertThat(p.path("description").asText()).as(name + " description").isNotEmpty();
        });
        assertThat(properties.get("shardkit.reads.max-replica-lag-ms").path("defaultValue").asLong()).isEqualTo(1000);
        assertThat(properties.get("shardkit.migration.on-startup").path("defaultValue").asText()).isEqualTo("validate");
    }

    /** The keys that, beside shardkit.config-location, mean a second cluster description are every section. */
    @Test
    void everySectionOfTheClusterDescriptionCountsAsDescribedByProperties() {
        assertThat(ClusterConfigSource.CLUSTER_KEYS).containsExactlyElementsOf(Arrays.stream(
                ClusterConfig.class.getRecordComponents()).map(c -> ClusterConfigSource.kebab(c.getName())).toList());
    }

    /** This module's metadata: the processor merges the hand-written file into the generated one. */
    private static Map<String, JsonNode> shardkitProperties() throws Exception {
        Map<String, JsonNode> found = new LinkedHashMap<>();
        for (URL url : Collections.list(ConfigurationMetadataTest.class.getClassLoader()
                .getResources("META-INF/spring-configuration-metadata.json"))) {
            try (InputStream in = url.openStream()) {
                for (JsonNode p : new ObjectMapper().readTree(in).path("properties")) {
                    String name = p.path("name").asText();
                    if (name.startsWith("shardkit.")) assertThat(found.put(name, p)).as("described twice: " + name).isNull();
                }
            }
        }
        return found;
    }
}
