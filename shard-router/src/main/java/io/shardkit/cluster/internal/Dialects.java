package io.shardkit.cluster.internal;

import io.shardkit.cluster.config.ClusterConfig.DatabaseConfig;
import io.shardkit.cluster.config.JdbcUrls;
import java.util.Locale;
import org.jooq.SQLDialect;

/** A database's dialect: as declared ({@code dialect:}), or else inferred from its JDBC URL. */
final class Dialects {
    private Dialects() {
    }

    /** The dialect of {@code db} (at property {@code p}), or null after adding the problem. */
    static SQLDialect of(String p, DatabaseConfig db, Problems problems) {
        if (db.dialect() != null) {
            return switch (db.dialect().trim().toLowerCase(Locale.ROOT)) {
                case "postgres", "postgresql" -> SQLDialect.POSTGRES;
                case "mysql" -> SQLDialect.MYSQL;
                case "mariadb" -> SQLDialect.MARIADB;
                case "h2" -> SQLDialect.H2;
                default -> {
                    problems.add(p + ".dialect: unknown dialect '" + db.dialect() + "' — use postgres, mysql, mariadb or h2");
                    yield null;
                }
            };
        }
        String url = db.url().toLowerCase(Locale.ROOT);
        if (url.startsWith("jdbc:postgresql:")) return SQLDialect.POSTGRES;
        if (url.startsWith("jdbc:mysql:")) return SQLDialect.MYSQL;
        if (url.startsWith("jdbc:mariadb:")) return SQLDialect.MARIADB;
        if (url.startsWith("jdbc:h2:")) return SQLDialect.H2;
        problems.add(p + ".url: cannot infer the dialect from '" + JdbcUrls.redact(db.url())
                + "' — use a jdbc:postgresql:, jdbc:mysql:, jdbc:mariadb: or jdbc:h2: URL, or set dialect");
        return null;
    }
}
