package io.shardkit.query;

import io.shardkit.cluster.Shard;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import javax.sql.DataSource;
import org.jooq.SQLDialect;

/**
 * How each database orders strings, for the streamed merge: looked up once per pool and kept only while the pool is
 * (weak keys: a pool retired by a reconfiguration is not kept alive). A failed lookup is not remembered, so a passing
 * error does not make a database's strings unmergeable for good.
 */
final class Collations {
    private static final Map<DataSource, Comparator<String>> KNOWN = new WeakHashMap<>();
    private static final Comparator<String> UNKNOWN = (a, b) -> {
        throw new IllegalStateException("unknown collation");
    };

    private Collations() {
    }

    /** H2 compares by UTF-16 units, PostgreSQL's "C" collation by code points; null when it is anything else. */
    static Comparator<String> stringOrder(SQLDialect dialect, List<Shard> shards) {
        return switch (dialect.family()) {
            case H2 -> SqlOrdering.UTF16;
            case POSTGRES -> {
                Comparator<String> common = null;
                for (Shard s : shards) {
                    Comparator<String> c = postgres(s.dataSource());
                    if (c == null) yield null;
                    common = c;
                }
                yield common;
            }
            default -> null;
        };
    }

    static Comparator<String> postgres(DataSource ds) {
        synchronized (KNOWN) {
            Comparator<String> known = KNOWN.get(ds);
            if (known != null) return known == UNKNOWN ? null : known;
        }
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select datcollate from pg_database where datname = current_database()")) {
            rs.next();
            String collate = rs.getString(1);
            boolean codePoints = collate.equals("C") || collate.equals("POSIX") || collate.startsWith("C.");
            synchronized (KNOWN) {
                KNOWN.put(ds, codePoints ? SqlOrdering.CODE_POINTS : UNKNOWN);
            }
            return codePoints ? SqlOrdering.CODE_POINTS : null;
        } catch (SQLException e) {
            return null; // not remembered: asked again next time
        }
    }
}
