package io.shardkit.cluster.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.shardkit.router.ShardException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads {@code shards.yml} into a {@link ClusterConfig}. String values may use {@code ${VAR}} or
 * {@code ${VAR:-default}}, resolved from the environment after parsing (so a secret can never change the
 * YAML's structure); an unset variable is an error naming the property, never an empty string.
 */
public final class ShardsYaml {
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");
    private static final ObjectMapper MAPPER = new ObjectMapper(new YAMLFactory())
            // a repeated key (two "db0:" entries) would otherwise silently replace the first
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private ShardsYaml() {
    }

    /** Reads a {@code shards.yml}, resolving {@code ${VAR}} from the process environment; nothing is validated yet. */
    public static ClusterConfig load(Path file) {
        return load(file, System::getenv);
    }

    /** As {@link #load(Path)}, resolving {@code ${VAR}} with {@code env}; a missing or unreadable file fails by name. */
    public static ClusterConfig load(Path file, Function<String, String> env) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ShardConfigException(List.of(file + ": no such file — pass the path of your shards.yml"), List.of());
        } catch (IOException e) {
            throw new ShardConfigException(List.of(file + ": cannot be read (" + e.getMessage() + ")"), List.of());
        }
        return parse(text, env);
    }

    /** Reads {@code shards.yml} text, resolving {@code ${VAR}} with {@code env}; syntax errors and unknown keys fail naming where. */
    public static ClusterConfig parse(String yaml, Function<String, String> env) {
        Objects.requireNonNull(env, "env");
        JsonNode root;
        try {
            root = MAPPER.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new ShardConfigException(List.of(syntaxProblem(e)), List.of());
        }
        if (root == null || !root.isObject()) {
            throw new ShardConfigException(List.of("shards.yml must be a mapping with databases, shards and strategy"), List.of());
        }
        List<String> problems = new ArrayList<>();
        JsonNode resolved = interpolate(root, "", env, problems);
        if (!problems.isEmpty()) {
            throw new ShardConfigException(problems, List.of());
        }
        try {
            return MAPPER.treeToValue(resolved, ClusterConfig.class);
        } catch (UnrecognizedPropertyException e) {
            throw new ShardConfigException(List.of(path(e) + ": unknown property '" + e.getPropertyName()
                    + "' — known here: " + new TreeSet<>(e.getKnownPropertyIds().stream().map(String::valueOf).toList())),
                    List.of());
        } catch (InvalidFormatException e) {
            throw new ShardConfigException(List.of(path(e) + ": '" + e.getValue() + "' is not " + kind(e.getTargetType())
                    + " — write " + kind(e.getTargetType()) + " here"), List.of());
        } catch (MismatchedInputException e) {
            // Jackson's own text quotes the offending value, which may hold a secret: name only what was expected.
            throw new ShardConfigException(List.of(path(e) + ": wrong kind of value — write " + kind(e.getTargetType())
                    + " here"), List.of());
        } catch (JsonProcessingException e) {
            throw new ShardConfigException(List.of(path(e) + ": " + e.getOriginalMessage()), List.of());
        }
    }

    private static JsonNode interpolate(JsonNode node, String path, Function<String, String> env, List<String> problems) {
        if (node instanceof ObjectNode obj) {
            ObjectNode out = obj.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = obj.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                out.set(e.getKey(), interpolate(e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey(), env, problems));
            }
            return out;
        }
        if (node instanceof ArrayNode arr) {
            ArrayNode out = arr.arrayNode();
            for (int i = 0; i < arr.size(); i++) {
                if (arr.get(i).isNull()) {
                    problems.add(path + "[" + i + "]: empty entry — fill it in or delete its '-' line");
                }
                out.add(interpolate(arr.get(i), path + "[" + i + "]", env, problems));
            }
            return out;
        }
        if (node.isTextual() && node.asText().contains("${")) {
            return TextNode.valueOf(resolve(node.asText(), path, env, problems));
        }
        return node;
    }

    private static String resolve(String text, String path, Function<String, String> env, List<String> problems) {
        Matcher m = VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = env.apply(m.group(1));
            if (value == null) value = m.group(2);
            if (value == null) {
                problems.add(path + ": ${" + m.group(1) + "} is not set — export " + m.group(1)
                        + " or write ${" + m.group(1) + ":-default}");
                value = "";
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        // Report only the variable syntax around the value, never the value itself: it may hold a secret.
        if (out.indexOf("${") >= 0 && VARIABLE.matcher(text).results().count() == 0) {
            problems.add(path + ": malformed variable reference — write ${NAME} or ${NAME:-default}");
        }
        return out.toString();
    }

    private static String path(JsonProcessingException e) {
        if (e instanceof com.fasterxml.jackson.databind.JsonMappingException jme) {
            StringBuilder sb = new StringBuilder();
            for (var ref : jme.getPath()) {
                if (ref.getFieldName() != null) {
                    if (!sb.isEmpty()) sb.append('.');
                    sb.append(ref.getFieldName());
                } else if (ref.getIndex() >= 0) {
                    sb.append('[').append(ref.getIndex()).append(']');
                }
            }
            return sb.isEmpty() ? "shards.yml" : sb.toString();
        }
        return "shards.yml";
    }

    /**
     * The syntax error with its line and column, but without SnakeYAML's quoted excerpt of the file: that excerpt
     * may be the line holding a password.
     */
    private static String syntaxProblem(JsonProcessingException e) {
        String remedy = " — fix the YAML there (indent with spaces, close every quote and bracket)";
        if (e.getCause() instanceof MarkedYAMLException m && m.getProblemMark() != null) {
            String context = m.getContext() == null ? "" : " (" + m.getContext()
                    + (m.getContextMark() == null ? "" : " from " + at(m.getContextMark())) + ")";
            return "shards.yml is not valid YAML at " + at(m.getProblemMark()) + ": " + m.getProblem() + context + remedy;
        }
        String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()
                + ", column " + e.getLocation().getColumnNr();
        return "shards.yml is not valid YAML" + where + ": " + e.getOriginalMessage() + remedy;
    }

    private static String at(Mark mark) {
        return "line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
    }

    private static String kind(Class<?> type) {
        if (type == null) return "a value of the documented type";
        if (type == Integer.class || type == Long.class || type == int.class || type == long.class) return "a whole number";
        if (type == String.class) return "a single text value";
        if (type == Boolean.class || type == boolean.class) return "true or false";
        if (List.class.isAssignableFrom(type)) return "a list";
        return "a mapping of properties";
    }
}
