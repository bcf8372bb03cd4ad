package io.shardkit.move.fence;

import io.shardkit.cluster.ShardMovedException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.h2.api.Trigger;

/**
 * The fence on H2, which runs Java triggers: before each row written, it locks every fence row of the table's schema
 * ({@code FOR UPDATE}: H2 has no shared row lock, so writers to a fenced schema take turns while the fence is open)
 * and refuses the write when a fence that covers it is closed — a shard's fence covers every row, a tenant's the rows
 * whose key column holds the tenant (before or after the write).
 */
public final class H2FenceTrigger implements Trigger {
    private String fences;
    private final Map<String, Integer> columns = new HashMap<>();

    @Override
    public void init(Connection conn, String schemaName, String triggerName, String tableName, boolean before, int type)
            throws SQLException {
        fences = "\"" + schemaName.replace("\"", "\"\"") + "\"." + Fence.TABLE.toUpperCase();
        try (ResultSet rs = conn.getMetaData().getColumns(null, schemaName, tableName, null)) {
            while (rs.next()) columns.put(rs.getString("COLUMN_NAME"), rs.getInt("ORDINAL_POSITION") - 1);
        }
    }

    @Override
    public void fire(Connection conn, Object[] oldRow, Object[] newRow) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("select @shardkit_fence_bypass"); ResultSet rs = ps.executeQuery()) {
            if (rs.next() && rs.getObject(1) != null) return; // the mover cleaning up
        }
        // H2 answers a FOR UPDATE that waited for a lock with the rows as they were before the wait: lock first,
        // then read what the closer committed (before it read again, 2 of 12 moves under writes saw a write land after
        // the fence closed)
        try (PreparedStatement lock = conn.prepareStatement("select name from " + fences + " for update")) {
            lock.executeQuery().close();
        }
        try (PreparedStatement ps = conn.prepareStatement("select name, state, key_column, tenant from " + fences);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                if (!"CLOSED".equals(rs.getString(2))) continue;
                String column = rs.getString(3);
                if (column == null || holds(oldRow, column, rs.getString(4)) || holds(newRow, column, rs.getString(4))) {
                    throw new SQLException(FenceDialect.MESSAGE + ": " + rs.getString(1) + " is moving",
                            ShardMovedException.SQLSTATE);
                }
            }
        }
    }

    private boolean holds(Object[] row, String column, String tenant) {
        if (row == null) return false;
        Integer i = columns.get(column);
        if (i == null) i = columns.get(column.toUpperCase());
        return i != null && row[i] != null && Objects.equals(row[i].toString(), tenant);
    }
}
