package io.shardkit.spring.boot;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Reports a cluster that cannot start as Spring Boot's "APPLICATION FAILED TO START" text, one line per property. */
public class ShardkitConfigFailureAnalyzer extends AbstractFailureAnalyzer<InvalidShardkitConfigException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidShardkitConfigException cause) {
        StringBuilder description = new StringBuilder("Shardkit could not start its ShardCluster: ");
        description.append(cause.problems().size()).append(cause.problems().size() == 1 ? " problem" : " problems")
                .append(" in its configuration:\n");
        cause.problems().forEach(p -> description.append("\n    ").append(p));
        String action = "Correct the properties named above (each line says what is allowed) in your application "
                + "properties or YAML, or in the file that shardkit.config-location names. To configure the cluster in "
                + "code instead, define your own ShardCluster bean: the auto-configuration then backs off.";
        return new FailureAnalysis(description.toString(), action, cause);
    }
}
