package io.shardkit.cluster.internal;

import io.shardkit.cluster.config.ShardConfigException;
import java.util.ArrayList;
import java.util.List;

/**
 * What compiling a cluster description found, in the order found: problems (which stop it) and warnings (which
 * do not). Each reads {@code "property: what is wrong — what to do"}. Every section of {@code shards.yml} adds to
 * the one instance, so that all problems are reported at once.
 */
public final class Problems {
    private final List<String> problems = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    /** Records a problem: the cluster will not be compiled. */
    public void add(String problem) {
        problems.add(problem);
    }

    /** Records a warning: reported, but the cluster still starts. */
    public void warn(String warning) {
        warnings.add(warning);
    }

    /** Whether no problem has been found so far (in any section). */
    public boolean none() {
        return problems.isEmpty();
    }

    /** How many problems have been found so far (in every section). */
    public int count() {
        return problems.size();
    }

    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    /** Throws {@link ShardConfigException} listing every problem (and the warnings) when there is any. */
    public void throwIfAny() {
        if (!problems.isEmpty()) {
            throw new ShardConfigException(problems, warnings);
        }
    }
}
