package io.shardkit.spring.boot;

import static io.shardkit.spring.boot.ShardkitTestSupport.newDatabase;
import static io.shardkit.spring.boot.ShardkitTestSupport.runner;
import static io.shardkit.spring.boot.ShardkitTestSupport.twoShards;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.io.support.SpringFactoriesLoader;

/** A bad property fails start-up with Spring Boot's report naming the property and saying what to do. */
class ShardkitConfigFailureAnalyzerTest {

    @Test
    void aBadPropertyIsNamedInTheAnalyzersDescription() {
        String db0 = newDatabase("bad"), db1 = newDatabase("bad");
        runner().withPropertyValues(twoShards(db0, db1, "shardkit.shards[1].database=db9", "shardkit.key-type=banana"))
                .run(context -> {
                    Throwable failure = context.getStartupFailure();
                    FailureAnalysis analysis = analyze(failure);
                    assertThat(analysis.getDescription()).startsWith(
                            "Shardkit could not start its ShardCluster: 2 problems in its configuration:\n");
                    assertThat(analysis.getDescription()).contains(
                            "\n    shardkit.shards[1].database: unknown database 'db9' — declared databases: [db0, db1]");
                    assertThat(analysis.getDescription()).containsPattern("\n    shardkit.key-type: .*banana");
                    assertThat(analysis.getAction()).startsWith("Correct the properties named above");
                });
    }

    @Test
    void aBadFileAtConfigLocationIsNamedWithTheFile() {
        runner().withPropertyValues("shardkit.config-location=classpath:shards.yml", "SHARD0_URL=jdbc:h2:mem:x")
                .run(context -> assertThat(analyze(context.getStartupFailure()).getDescription()).contains(
                        "\n    shardkit.config-location (classpath:shards.yml) databases.db1.url: ${SHARD1_URL} is not set"));
    }

    @Test
    void problemsNameSpringPropertiesInKebabCaseKeepingMapKeysAsWritten() {
        assertThat(ClusterConfigSource.propertyProblem("databases.euWest.pool.maximumPoolSize: must be at least 1"))
                .isEqualTo("shardkit.databases.euWest.pool.maximum-pool-size: must be at least 1");
        assertThat(ClusterConfigSource.propertyProblem("keyType: missing")).isEqualTo("shardkit.key-type: missing");
        assertThat(ClusterConfigSource.propertyProblem("strategy.ranges[2].to: not a number"))
                .isEqualTo("shardkit.strategy.ranges[2].to: not a number");
    }

    /**
     * As Spring Boot does at start-up: the analyzers registered in spring.factories (those that need a bean factory,
     * which a runner's failure does not have, are left out), ours among them.
     */
    private static FailureAnalysis analyze(Throwable failure) {
        assertThat(failure).isNotNull();
        for (FailureAnalyzer analyzer : SpringFactoriesLoader.forDefaultResourceLocation().load(FailureAnalyzer.class,
                SpringFactoriesLoader.FailureHandler.handleMessage((message, e) -> { }))) {
            FailureAnalysis analysis = analyzer.analyze(failure);
            if (analysis != null && analyzer instanceof ShardkitConfigFailureAnalyzer) return analysis;
        }
        throw new AssertionError("no Shardkit analysis for " + failure);
    }
}
