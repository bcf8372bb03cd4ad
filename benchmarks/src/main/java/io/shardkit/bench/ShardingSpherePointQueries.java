package io.shardkit.bench;

import com.zaxxer.hikari.HikariDataSource;
import io.shardkit.test.TestDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.shardingsphere.driver.api.yaml.YamlShardingSphereDataSourceFactory;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * {@code shardingsphere}: one ShardingSphere-JDBC 5.5.2 {@link DataSource} over pools configured like the other
 * systems', {@code orders} sharded by {@code customer_id} with the {@code MOD} algorithm, queried through jOOQ with
 * the same query. ShardingSphere places rows its own way: table {@code orders_<customer_id % n>}, table {@code i} on
 * data source {@code ds_<i>}.
 */
final class ShardingSpherePointQueries implements PointQueries {

    /**
     * {@code MOD} is an auto-table algorithm: ShardingSphere refuses it under {@code tables} (which need
     * {@code actualDataNodes}); under {@code autoTables} it derives the actual tables from {@code sharding-count}.
     * The data sources are listed, not written {@code ds_${0..3}}, so no Groovy expression is evaluated.
     */
    private static final String RULES = """
            databaseName: shardkit_bench
            mode:
              type: Standalone
              repository:
                type: JDBC
            rules:
            - !SHARDING
              autoTables:
                orders:
                  actualDataSources: %s
                  shardingStrategy:
                    standard:
                      shardingColumn: customer_id
                      shardingAlgorithmName: orders_mod
              shardingAlgorithms:
                orders_mod:
                  type: MOD
                  props:
                    sharding-count: %d
            props:
              sql-show: false
            """;

    private final Map<String, DataSource> pools = new LinkedHashMap<>();
    private final DataSource dataSource;
    private final DSLContext dsl;

    ShardingSpherePointQueries(List<TestDatabase> databases, SQLDialect dialect) {
        try {
            for (int i = 0; i < databases.size(); i++) {
                pools.put("ds_" + i, PoolSettings.open("shardingsphere-" + i, databases.get(i)));
            }
            String yaml = RULES.formatted(String.join(",", pools.keySet()), databases.size());
            dataSource = YamlShardingSphereDataSourceFactory.createDataSource(pools, yaml.getBytes(StandardCharsets.UTF_8));
        } catch (SQLException | IOException | RuntimeException e) {
            closePools();
            throw new IllegalStateException("ShardingSphere-JDBC did not start: " + e, e);
        }
        dsl = DSL.using(OrdersTable.configuration().derive(dialect).derive(dataSource));
    }

    @Override
    public void createTable() {
        // Through ShardingSphere: it rewrites the DDL into one orders_<i> (and its index) per data source.
        OrdersTable.createTable(dsl);
    }

    @Override
    public Order find(long customerId) {
        return OrdersTable.find(dsl, customerId);
    }

    @Override
    public void insert(long id, long customerId) {
        OrdersTable.insert(dsl, id, customerId);
    }

    @Override
    public int deleteFrom(long firstId) {
        // No sharding key in the condition: ShardingSphere sends it to every actual table.
        return OrdersTable.deleteFrom(dsl, firstId);
    }

    @Override
    public void close() {
        try {
            if (dataSource instanceof AutoCloseable c) c.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing ShardingSphere-JDBC failed: " + e, e);
        } finally {
            closePools();
        }
    }

    private void closePools() {
        pools.values().forEach(ds -> ((HikariDataSource) ds).close());
    }
}
