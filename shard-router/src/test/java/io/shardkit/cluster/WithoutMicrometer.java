package io.shardkit.cluster;

import java.util.List;

/**
 * A cluster's whole routing path, run by {@link WithoutMicrometerTest} in a class loader that cannot see Micrometer:
 * names no Micrometer type itself. Public, with a public method: called reflectively from the test.
 */
public final class WithoutMicrometer {
    /** Public: the repository proxy calls it. */
    public interface Values {
        String read(@ShardKey long key);
    }

    private WithoutMicrometer() {
    }

    /** What the cluster did, for the test to check; fails if Micrometer is visible. */
    public static List<String> run(String url) throws Exception {
        try {
            Class.forName("io.micrometer.core.instrument.MeterRegistry");
            throw new AssertionError("Micrometer is visible to this class loader");
        } catch (ClassNotFoundException expected) {
            // the point of the test
        }
        Class.forName("org.h2.Driver"); // registers this loader's driver with DriverManager
        try (ShardCluster cluster = ShardCluster.builder().database("db0", url, "sa", "").shard("s0", "db0").jump().build()) {
            Values values = cluster.repository(Values.class, dsl -> key -> dsl.fetchValue("select 'v' || ?", key).toString());
            ShardSession session = cluster.session();
            session.dsl(1L).execute("create table t (k bigint)");
            return List.of(values.read(7L), cluster.dsl(1L).fetchValue("select count(*) from t").toString(),
                    cluster.readDsl(1L).fetchValue("select 2").toString(),
                    session.readDsl(1L).fetchValue("select 3").toString(),
                    String.valueOf(cluster.meterRegistry().isPresent()), String.valueOf(cluster.poolStats("db0").maximumPoolSize()));
        }
    }
}
