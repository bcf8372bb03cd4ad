package io.shardkit.bench.fanout;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.shardkit.test.TestDatabase;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.StringJoiner;
import javax.sql.DataSource;
import org.apache.shardingsphere.driver.api.ShardingSphereDataSourceFactory;
import org.apache.shardingsphere.infra.algorithm.core.config.AlgorithmConfiguration;
import org.apache.shardingsphere.sharding.api.config.ShardingRuleConfiguration;
import org.apache.shardingsphere.sharding.api.config.rule.ShardingTableRuleConfiguration;
import org.apache.shardingsphere.sharding.api.config.strategy.sharding.StandardShardingStrategyConfiguration;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.conf.ParamCastMode;
import org.jooq.conf.RenderQuotedNames;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;

/**
 * ShardingSphere-JDBC 5.5.2 over the same databases as a Shardkit cluster: logical table {@code events} on actual
 * nodes {@code ds_<i>.events}, one per database, each data source its own HikariCP pool of the same size as
 * Shardkit's. The rows were placed by Shardkit's jump hash, not by this rule's {@code id % n}: that only matters to
 * point queries, and the benchmarks here are scatter queries, which ShardingSphere sends to every actual node.
 *
 * <p>A standard (not auto) table rule with an INLINE database algorithm, because auto tables would name the actual
 * tables {@code events_0..n}; MOD would only be accepted under auto tables (ShardingSphere 5.5.2).
 */
final class PeerDataSource implements AutoCloseable {
    final DataSource dataSource;
    final DSLContext dsl;
    private final List<HikariDataSource> pools;

    private PeerDataSource(DataSource dataSource, List<HikariDataSource> pools) {
        this.dataSource = dataSource;
        this.pools = pools;
        // jOOQ's casts of bind values (?::int8) would reach ShardingSphere's parser; NEVER keeps the SQL plain.
        this.dsl = DSL.using(dataSource, SQLDialect.POSTGRES, new Settings()
                .withParamCastMode(ParamCastMode.NEVER)
                .withRenderQuotedNames(RenderQuotedNames.EXPLICIT_DEFAULT_UNQUOTED));
    }

    static PeerDataSource over(List<TestDatabase> databases, int poolSize) throws SQLException {
        Map<String, DataSource> sources = new LinkedHashMap<>();
        List<HikariDataSource> pools = new ArrayList<>();
        StringJoiner nodes = new StringJoiner(",");
        for (int i = 0; i < databases.size(); i++) {
            TestDatabase db = databases.get(i);
            HikariConfig c = new HikariConfig();
            c.setJdbcUrl(db.jdbcUrl());
            c.setUsername(db.username());
            c.setPassword(db.password());
            c.setMaximumPoolSize(poolSize);
            c.setMinimumIdle(poolSize);
            c.setPoolName("peer-ds_" + i);
            HikariDataSource pool = new HikariDataSource(c);
            pools.add(pool);
            sources.put("ds_" + i, pool);
            nodes.add("ds_" + i + ".events");
        }
        ShardingTableRuleConfiguration events = new ShardingTableRuleConfiguration("events", nodes.toString());
        events.setDatabaseShardingStrategy(new StandardShardingStrategyConfiguration("id", "by_id"));
        ShardingRuleConfiguration rule = new ShardingRuleConfiguration();
        rule.getTables().add(events);
        Properties inline = new Properties();
        inline.setProperty("algorithm-expression", "ds_${id % " + databases.size() + "}");
        rule.getShardingAlgorithms().put("by_id", new AlgorithmConfiguration("INLINE", inline));
        Properties props = new Properties();
        props.setProperty("sql-show", "false");
        try {
            DataSource ds = ShardingSphereDataSourceFactory.createDataSource("fanbench", null, sources, List.of(rule), props);
            return new PeerDataSource(ds, pools);
        } catch (SQLException | RuntimeException e) {
            pools.forEach(HikariDataSource::close);
            throw e;
        }
    }

    @Override
    public void close() throws Exception {
        if (dataSource instanceof AutoCloseable c) c.close();
        pools.forEach(HikariDataSource::close);
    }
}
