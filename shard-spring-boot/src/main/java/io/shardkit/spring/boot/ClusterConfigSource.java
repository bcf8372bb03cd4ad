package io.shardkit.spring.boot;

import io.shardkit.cluster.config.ClusterConfig;
import io.shardkit.cluster.config.ShardConfigException;
import io.shardkit.cluster.config.ShardsYaml;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.bind.BindConstructorProvider;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.ConfigurationPropertyState;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;

/**
 * Reads the cluster's {@link ClusterConfig} from Spring: bound from {@code shardkit.*} (the shape of shards.yml, in
 * Spring's relaxed names: {@code shardkit.databases.db0.url}, {@code shardkit.shards[0].id},
 * {@code shardkit.key-type}), or parsed from the file at {@code shardkit.config-location}. Problems come out naming
 * Spring properties.
 */
final class ClusterConfigSource {
    static final String PREFIX = "shardkit";
    /** The cluster description's own top-level names: any of them beside config-location is a second model. */
    static final List<String> CLUSTER_KEYS = List.of("databases", "shards", "strategy", "key-type", "pins",
            "reads", "migrations", "topology", "hot-keys", "tables");
    private static final Pattern PROBLEM = Pattern.compile("^([A-Za-z][\\w.\\[\\]-]*): (.*)$", Pattern.DOTALL);
    private static final Set<String> RECORD_COMPONENTS = recordComponents(ClusterConfig.class, new HashSet<>());

    private ClusterConfigSource() {
    }

    /**
     * The cluster description, checked as a whole as {@code ShardCluster.create} checks it (nothing connects).
     *
     * @throws InvalidShardkitConfigException listing every problem, each naming its Spring property
     */
    static ClusterConfig load(Environment environment, ResourceLoader resources, String configLocation) {
        rejectMisplacedStarterSettings(environment);
        Binder binder = binder(environment);
        boolean fromProperties = describedByProperties(environment);
        ClusterConfig config;
        String origin;
        if (configLocation != null && !configLocation.isBlank()) {
            if (fromProperties) {
                throw new InvalidShardkitConfigException(List.of("shardkit.config-location: set together with "
                        + "shardkit.databases/shards/strategy — describe the cluster in one place: remove "
                        + "shardkit.config-location, or the shardkit.* cluster properties"), null);
            }
            origin = "shardkit.config-location (" + configLocation + ") ";
            config = parse(environment, resources.getResource(configLocation), configLocation, origin);
        } else {
            origin = "";
            config = binder.bind(PREFIX, Bindable.of(ClusterConfig.class))
                    .orElseGet(() -> new ClusterConfig(null, null, null, null, null));
        }
        try {
            config.validate();
        } catch (ShardConfigException e) {
            throw new InvalidShardkitConfigException(e.problems().stream()
                    .map(p -> origin.isEmpty() ? propertyProblem(p) : origin + p).toList(), e);
        }
        return config;
    }

    /**
     * {@code shardkit.migrations.on-startup} would bind nowhere (the cluster description's {@code migrations} section
     * has locations and allow-clean only) and start-up would silently validate instead of migrating: fail naming the
     * starter's property. Checked first, since the misplaced key also reads as a cluster property.
     */
    private static void rejectMisplacedStarterSettings(Environment environment) {
        if (!(environment instanceof ConfigurableEnvironment configurable)) return;
        ConfigurationPropertyName misplaced = ConfigurationPropertyName.of(PREFIX + ".migrations.on-startup");
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(configurable)) {
            if (source.getConfigurationProperty(misplaced) != null) {
                throw new InvalidShardkitConfigException(List.of(misplaced + ": not a Shardkit property — what runs"
                        + " at start-up is shardkit.migration.on-startup (validate, migrate or none); shardkit.migrations.*"
                        + " is the cluster description's migrations section (locations, allow-clean) for the"
                        + " shard-migrate CLI"), null);
            }
        }
    }

    private static boolean describedByProperties(Environment environment) {
        if (!(environment instanceof ConfigurableEnvironment configurable)) return false;
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(configurable)) {
            for (String key : CLUSTER_KEYS) {
                ConfigurationPropertyName name = ConfigurationPropertyName.of(PREFIX + "." + key);
                if (source.getConfigurationProperty(name) != null
                        || source.containsDescendantOf(name) == ConfigurationPropertyState.PRESENT) {
                    return true;
                }
            }
        }
        return false;
    }

    private static ClusterConfig parse(Environment environment, Resource file, String location, String origin) {
        String text;
        try (InputStream in = file.getInputStream()) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InvalidShardkitConfigException(List.of("shardkit.config-location: '" + location
                    + "' cannot be read (" + e.getMessage() + ") — name an existing file, e.g. classpath:shards.yml"), e);
        }
        try {
            // ${NAME} and ${NAME:-default}, as the shard-migrate CLI reads them; the values come from Spring's
            // Environment (environment variables, system properties, application properties, config servers).
            return ShardsYaml.parse(text, environment::getProperty);
        } catch (ShardConfigException e) {
            throw new InvalidShardkitConfigException(e.problems().stream().map(p -> origin + p).toList(), e);
        }
    }

    /**
     * {@code "shards[1].database: unknown …"} as {@code "shardkit.shards[1].database: unknown …"}, with the record
     * components in Spring's kebab case ({@code keyType} → {@code key-type}); database names and other map keys
     * are kept as written.
     */
    static String propertyProblem(String problem) {
        Matcher m = PROBLEM.matcher(problem);
        if (!m.matches()) return problem;
        StringBuilder name = new StringBuilder(PREFIX);
        for (String segment : m.group(1).split("\\.")) {
            int bracket = segment.indexOf('[');
            String head = bracket < 0 ? segment : segment.substring(0, bracket);
            String tail = bracket < 0 ? "" : segment.substring(bracket);
            name.append('.').append(RECORD_COMPONENTS.contains(head) ? kebab(head) : head).append(tail);
        }
        return name + ": " + m.group(2);
    }

    static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }

    private static Set<String> recordComponents(Class<?> type, Set<String> names) {
        for (RecordComponent c : type.getRecordComponents()) names.add(c.getName());
        for (Class<?> nested : type.getDeclaredClasses()) {
            if (nested.isRecord()) recordComponents(nested, names);
        }
        return names;
    }

    /**
     * Binds the config records through their canonical constructors: they have convenience constructors too, and
     * Spring Boot binds a type with several constructors only through one marked for it.
     */
    private static Binder binder(Environment environment) {
        BindConstructorProvider canonicalForShardkitRecords = (bindable, nested) -> {
            Class<?> type = bindable.getType().resolve();
            if (type != null && type.isRecord() && type.getName().startsWith("io.shardkit.")) {
                try {
                    Constructor<?> canonical = type.getDeclaredConstructor(Arrays.stream(type.getRecordComponents())
                            .map(RecordComponent::getType).toArray(Class<?>[]::new));
                    return canonical;
                } catch (NoSuchMethodException e) {
                    throw new IllegalStateException("record " + type.getName() + " has no canonical constructor", e);
                }
            }
            return BindConstructorProvider.DEFAULT.getBindConstructor(bindable, nested);
        };
        if (!(environment instanceof ConfigurableEnvironment configurable)) return Binder.get(environment);
        return new Binder(ConfigurationPropertySources.get(configurable),
                new PropertySourcesPlaceholdersResolver(configurable), (org.springframework.core.convert.ConversionService) null,
                null, null, canonicalForShardkitRecords);
    }
}
