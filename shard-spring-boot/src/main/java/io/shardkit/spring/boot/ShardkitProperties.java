package io.shardkit.spring.boot;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The starter's own settings under {@code shardkit.}. The cluster itself ({@code shardkit.databases},
 * {@code shardkit.shards}, {@code shardkit.strategy}, …) is bound onto {@code ClusterConfig}, the records
 * {@code shards.yml} is read into, so there is one configuration model.
 */
@ConfigurationProperties("shardkit")
public class ShardkitProperties {
    /**
     * A shards.yml to start the cluster from (e.g. classpath:shards.yml) instead of shardkit.databases and
     * shardkit.shards; its ${NAME} and ${NAME:-default} are resolved by Spring's Environment.
     */
    private String configLocation;

    private final Migration migration = new Migration();
    private final Health health = new Health();
    private final Atomic atomic = new Atomic();

    public String getConfigLocation() {
        return configLocation;
    }

    public void setConfigLocation(String configLocation) {
        this.configLocation = configLocation;
    }

    public Migration getMigration() {
        return migration;
    }

    public Atomic getAtomic() {
        return atomic;
    }

    public Health getHealth() {
        return health;
    }

    /** What ShardMigrator does to every shard when the application starts. */
    public enum OnStartup {
        /** Fail start-up when a shard's history is invalid, drifts or has pending migrations. */
        VALIDATE,
        /** Apply pending migrations to every shard. */
        MIGRATE,
        /** Nothing. */
        NONE
    }

    /** When the shardkit health contributor reports DOWN. */
    public enum DownWhen {
        /** As soon as one database is down. */
        ANY,
        /** Only when every database is down; a down database otherwise reports DEGRADED. */
        ALL
    }

    public static class Migration {
        /** What ShardMigrator does to every shard at start-up (needs shard-migrate on the class path). */
        private OnStartup onStartup = OnStartup.VALIDATE;

        /**
         * Flyway locations of the shards' migrations. Default: classpath:db/migration (nothing to do when it does
         * not exist). The cluster description's migrations.locations is the shard-migrate CLI's, not read here.
         */
        private List<String> locations = new ArrayList<>();

        public OnStartup getOnStartup() {
            return onStartup;
        }

        public void setOnStartup(OnStartup onStartup) {
            this.onStartup = onStartup;
        }

        public List<String> getLocations() {
            return locations;
        }

        public void setLocations(List<String> locations) {
            this.locations = locations;
        }
    }

    public static class Health {
        /** When the shardkit health contributor is DOWN: any database down, or all of them. */
        private DownWhen downWhen = DownWhen.ANY;

        /** How long a probe waits for a connection from a database's pool before the database counts as down. */
        private Duration timeout = Duration.ofSeconds(1);

        /** How often the databases are probed, on a thread of the starter's own (never a request thread). */
        private Duration interval = Duration.ofSeconds(10);

        public DownWhen getDownWhen() {
            return downWhen;
        }

        public void setDownWhen(DownWhen downWhen) {
            this.downWhen = downWhen;
        }

        public Duration getTimeout() {
            return timeout;
        }

        public void setTimeout(Duration timeout) {
            this.timeout = timeout;
        }

        public Duration getInterval() {
            return interval;
        }

        public void setInterval(Duration interval) {
            this.interval = interval;
        }
    }

    public static class Atomic {
        /**
         * Whether start-up fails when atomic transactions across databases could not run: max_prepared_transactions 0,
         * a shard without the decision table, prepared branches another role owns (cluster.atomic().check()).
         */
        private boolean checkOnStartup = false;

        /**
         * How often this instance finishes atomic transactions whose coordinator died (any instance's); unset: never.
         * Run it on at least one instance: a prepared branch keeps its row locks until it is finished.
         */
        private Duration recoverEvery;

        public boolean isCheckOnStartup() {
            return checkOnStartup;
        }

        public void setCheckOnStartup(boolean checkOnStartup) {
            this.checkOnStartup = checkOnStartup;
        }

        public Duration getRecoverEvery() {
            return recoverEvery;
        }

        public void setRecoverEvery(Duration recoverEvery) {
            this.recoverEvery = recoverEvery;
        }
    }
}
